import type Database from 'better-sqlite3';
import { initial } from './0001-initial';
import { models } from './0002-models';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** Every migration, in order. Versions are 1..n with no gaps. */
export const migrations: readonly Migration[] = [initial, models];
