import { createModelClient } from '../../activities/model/client';
import { route, routeByRules } from '../../activities/router';
import type { AgentChoice } from '../../core/types';
import { say, ScriptedModel } from '../support/scripted-model';

const TABLE: Array<[string, boolean, AgentChoice, string]> = [
  ['what does maxmemory-policy noeviction do?', false, 'auto', 'knowledge'],
  ['why is cache-prod slow?', true, 'auto', 'chat'],
  ['run a deep triage of cache-prod', true, 'auto', 'triage'],
  ['please do a deep dive on memory', true, 'auto', 'triage'],
  ['go deep on the latency spikes', true, 'auto', 'triage'],
  ['deep research: replication', true, 'auto', 'triage'],
  ['Run a full health check', true, 'auto', 'triage'],
  ['audit this instance', true, 'auto', 'triage'],
  ['deep triage please', false, 'auto', 'knowledge'],
  ['how many clients?', true, 'triage', 'triage'],
  ['deep dive', true, 'chat', 'chat'],
  ['anything', false, 'chat', 'chat'],
];

describe('router', () => {
  it.each(TABLE)('rules: %j (instance: %s, requested %s) → %s', (message, hasInstance, agent, expected) => {
    expect(routeByRules({ message, hasInstance, agent }).agent).toBe(expected);
  });

  describe('with the scripted nano model', () => {
    let model: ScriptedModel;
    let client: ReturnType<typeof createModelClient>;
    const settings = { main: 'm', mini: 'mi', nano: 'nano-model', timeoutMs: 5000, apiKey: 'k', contextTokens: 128_000, local: false, jsonMode: true };
    beforeAll(async () => {
      model = new ScriptedModel(() => say('{}'));
      client = createModelClient({ ...settings, baseURL: await model.start() });
    });
    afterAll(async () => model.stop());

    it('follows the model when it answers with a valid route', async () => {
      model.setScript(() => say(JSON.stringify({ agent: 'triage', reason: 'comprehensive review requested' })));
      const decision = await route({ message: 'give me everything about this instance', hasInstance: true, agent: 'auto' }, 'model', {
        client,
        settings: { ...settings },
      });
      expect(decision).toMatchObject({ agent: 'triage', via: 'model' });
      const sent = model.chatRequests().at(-1)!.body;
      expect(sent.model).toBe('nano-model');
      expect(sent.response_format).toEqual({ type: 'json_object' });
    });

    it.each(['not json', JSON.stringify({ agent: 'bogus' }), JSON.stringify({ route: 'chat' })])(
      'falls back to the rules on malformed output %s',
      async (reply) => {
        model.setScript(() => say(reply));
        const decision = await route({ message: 'deep dive into memory', hasInstance: true, agent: 'auto' }, 'model', { client, settings });
        expect(decision).toMatchObject({ agent: 'triage', via: 'rules' });
      },
    );

    it('never asks the model when the choice is explicit or there is no instance', async () => {
      const before = model.chatRequests().length;
      expect((await route({ message: 'x', hasInstance: true, agent: 'chat' }, 'model', { client, settings })).via).toBe('explicit');
      expect((await route({ message: 'x', hasInstance: false, agent: 'auto' }, 'model', { client, settings })).agent).toBe('knowledge');
      expect(model.chatRequests().length).toBe(before);
    });
  });
});
