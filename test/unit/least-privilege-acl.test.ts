import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALLOWED_COMMANDS, grammarRefusal } from '../../core/command-grammar';
import {
  CONNECTION_COMMANDS,
  SENTINEL_COMMANDS,
  TOOL_COMMANDS,
  leastPrivilegeAclLine,
  leastPrivilegeRules,
  sentinelLeastPrivilegeAclLine,
  sentinelLeastPrivilegeRules,
} from '../../core/least-privilege-acl';
import { LENGTH_COMMAND } from '../../activities/tools/redis/keys';

const ROOT = path.join(__dirname, '..', '..');
const TOOLS_DIR = path.join(ROOT, 'activities', 'tools', 'redis');

/** The tool files that talk to sentinels (their own ACL), not to the data nodes. */
const SENTINEL_FILES = ['sentinel.ts', 'sentinel-nodes.ts'];

/** Every command|subcommand literal a redis_* tool passes to call()/send(), plus its helpers' commands. */
function commandsToolsSend(toSentinels = false): Set<string> {
  const sent = new Set<string>(toSentinels ? [] : ['config|get', 'info']); // readConfig, readInfo in target.ts
  if (!toSentinels) for (const length of Object.values(LENGTH_COMMAND)) sent.add(length.toLowerCase());
  for (const file of fs.readdirSync(TOOLS_DIR).filter((f) => f.endsWith('.ts') && SENTINEL_FILES.includes(f) === toSentinels)) {
    const source = fs.readFileSync(path.join(TOOLS_DIR, file), 'utf8');
    for (const m of source.matchAll(/\b(?:call|send)\(\s*'([A-Z]+)'(?:\s*,\s*'([A-Z-]+)')?/g)) {
      const [command, sub] = [m[1], m[2]];
      const takesSubcommand = /subcommand is missing/.test(grammarRefusal(command, []) ?? '');
      sent.add((takesSubcommand && sub ? `${command}|${sub}` : command).toLowerCase());
    }
  }
  return sent;
}

const granted = new Set(
  leastPrivilegeRules()
    .filter((r) => r.startsWith('+'))
    .map((r) => r.slice(1)),
);

describe('the least-privilege ACL for the agent user', () => {
  it('grants every command and subcommand the redis tools send', () => {
    const missing = [...commandsToolsSend()].filter((c) => !granted.has(c) && !granted.has(c.split('|')[0]));
    expect(missing).toEqual([]);
  });

  it('grants the sentinel user every command the sentinel reads send, and nothing else', () => {
    const sentinelGranted = new Set(sentinelLeastPrivilegeRules().flatMap((r) => (r.startsWith('+') ? [r.slice(1)] : [])));
    expect([...commandsToolsSend(true)].filter((c) => !sentinelGranted.has(c))).toEqual([]);
    expect([...sentinelGranted].sort()).toEqual(['client|setname', ...SENTINEL_COMMANDS].sort());
    for (const entry of SENTINEL_COMMANDS) {
      const [command, sub] = entry.toUpperCase().split('|');
      if (sub) expect(grammarRefusal(command, [sub, 'mymaster'])).toBeUndefined();
    }
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(sentinelLeastPrivilegeAclLine());
  });

  it('grants nothing the read-only grammar does not allow, besides what the connection sends at connect', () => {
    for (const entry of TOOL_COMMANDS) {
      const [command, sub] = entry.toUpperCase().split('|');
      expect(ALLOWED_COMMANDS).toContain(command);
      if (sub) expect(grammarRefusal(command, [sub]) ?? '').not.toMatch(/not an allowed read-only subcommand/);
    }
    expect([...granted].sort()).toEqual([...CONNECTION_COMMANDS, ...TOOL_COMMANDS].sort());
  });

  it('denies every command first, reads key names only, no channels, and no category grants', () => {
    const rules = leastPrivilegeRules();
    expect(rules.indexOf('-@all')).toBeLessThan(rules.findIndex((r) => r.startsWith('+')));
    expect(rules).toContain('%R~*');
    expect(rules).not.toContain('~*');
    expect(rules).toContain('resetchannels');
    expect(rules.some((r) => r.startsWith('+@'))).toBe(false);
  });

  it('is the line the README documents', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(leastPrivilegeAclLine());
  });
});
