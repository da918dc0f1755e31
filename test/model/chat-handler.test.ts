import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { installLocalModel, LOCAL_MODEL_DIR } from '../../stack/local-model';
import { localModelSkipped } from './skip';

/**
 * The chat handler that turns the model's output into OpenAI tool_calls (Qwen's <tool_call> tags,
 * fenced JSON) has model-free unit tests in Python; they run here with the local model's own
 * interpreter (the one the server uses, with jinja2 from llama-cpp-python).
 */
const run = localModelSkipped() ? describe.skip : describe;

run('the local model chat handler', () => {
  it('parses tool calls and renders the GGUF chat template (Python unit tests pass)', () => {
    // Cached after the global setup: this returns in well under a second.
    const { python } = installLocalModel(() => undefined);
    const result = spawnSync(python, ['-m', 'unittest', 'discover', '-s', path.join(LOCAL_MODEL_DIR, 'tests'), '-v'], {
      cwd: LOCAL_MODEL_DIR,
      encoding: 'utf8',
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toMatch(/Ran \d+ tests/);
    expect({ status: result.status, tail: output.split('\n').slice(-15).join('\n') }).toMatchObject({ status: 0 });
  });
});
