import { timingSafeEqual } from 'node:crypto';
import { randomSecret } from '../ids';

/**
 * The one-time sign-in token printed at start (as Jupyter does): whoever can
 * read the station's console output may open the web console without pasting
 * a key. Each token works once; using it issues the next one.
 */
export class SignInTokens {
  private current: string = randomSecret(24);
  /** Called with each new token after one is used, so the shell can print the next link. */
  onRotate?: (token: string) => void;

  get token(): string {
    return this.current;
  }

  consume(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.current);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
    this.current = randomSecret(24);
    this.onRotate?.(this.current);
    return true;
  }
}
