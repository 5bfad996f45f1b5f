// Brazilian Portuguese strings; each section is typed as its English
// counterpart, so none is missing and none is extra.
import type { Translation } from '../en';
import { common } from './common';
import { errors } from './errors';
import { explorer } from './explorer';
import { ingest } from './ingest';
import { models } from './models';
import { policy } from './policy';
import { prediction } from './prediction';

export const ptBR: Translation = { ...common, ...errors, explorer, ingest, models, policy, prediction };
