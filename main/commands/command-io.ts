// What a batch command needs from the process: output lines and the working
// directory. Commands return their exit code (0 ok, 1 failed, 2 usage or
// input error) so tests can run them in-process as well as through `smc`.

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
}

export const processIo: CommandIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`smc: ${line}\n`),
  cwd: process.cwd(),
};

export type Command = (args: string[], io: CommandIo) => Promise<number>;
