import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../../core/paths';

/** Every CLI command that opens the service layer goes through withServices, which always closes it. */
describe('CLI commands and the service layer', () => {
  const dir = path.join(projectRoot(), 'cli', 'commands');
  it.each(fs.readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s opens services only through withServices', (file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    expect(text).not.toMatch(/\bopenServices\s*\(/);
  });
});
