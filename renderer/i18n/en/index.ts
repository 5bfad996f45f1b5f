// English strings, one module per area of the console. The Brazilian
// Portuguese catalogue (../pt-br) is typed as this shape, section by
// section, so a missing or an extra key fails the type-check.
import { common } from './common';
import { errors } from './errors';
import { explorer } from './explorer';
import { ingest } from './ingest';
import { models } from './models';
import { policy } from './policy';
import { prediction } from './prediction';

export const en = { ...common, ...errors, explorer, ingest, models, policy, prediction };

export type Translation = typeof en;
