import type { IngestProgress } from './ingest';

/**
 * Renders ingest progress: a bar redrawn in place on a terminal, one line per finished stage
 * otherwise (CI logs and pipes should not fill with carriage returns).
 */

const WIDTH = 24;

export function progressRenderer(stream: NodeJS.WriteStream): { update(progress: IngestProgress): void; finish(): void } {
  let drawn = false;
  if (!stream.isTTY) {
    return {
      update: ({ stage, done, total }) => {
        if (done === total && total > 0) stream.write(`${stage}: ${done}/${total}\n`);
      },
      finish: () => undefined,
    };
  }
  return {
    update: ({ stage, done, total, detail }) => {
      const filled = total > 0 ? Math.round((done / total) * WIDTH) : WIDTH;
      const line = `${stage.padEnd(9)} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total}${detail ? ` ${detail}` : ''}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
      drawn = true;
    },
    finish: () => {
      if (drawn) stream.write('\n');
    },
  };
}
