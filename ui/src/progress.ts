import { API } from './api.js';
import { h } from './dom.js';

/**
 * Live progress of one task from the thread's server-sent events: phases, each tool call as it
 * starts and as it finishes, research topics, proposed actions. EventSource sends the session
 * cookie (it cannot send an Authorization header), and resumes with Last-Event-ID on its own.
 */

const EVENT_TYPES = [
  'task_started',
  'routed',
  'phase',
  'tool_call',
  'tool_result',
  'topic',
  'answer',
  'task_done',
  'action_proposed',
  'action_approved',
  'action_executed',
  'action_verified',
] as const;

type Event = Record<string, any> & { type: string };

function describe(e: Event): string {
  const topic = e.topic ? ` (topic ${e.topic})` : '';
  switch (e.type) {
    case 'task_started':
      return `Started: ${e.message}`;
    case 'routed':
      return `Routed to the ${e.agent} agent (${e.mode}): ${e.reason}`;
    case 'phase':
      return `Phase: ${e.phase}${e.detail ? ` — ${e.detail}` : ''}`;
    case 'tool_call':
      return `Tool ${e.tool} started${topic}`;
    case 'tool_result':
      return `Tool ${e.tool} ${e.ok ? 'finished' : 'failed'} in ${e.durationMs} ms${topic}: ${e.summary}`;
    case 'topic':
      return `Research topic "${e.title}": ${e.state}`;
    case 'answer':
      return 'Answer written';
    case 'task_done':
      return `Done: ${e.status}${e.error ? ` — ${e.error}` : ''}`;
    default:
      return `Action ${e.approval_id ?? e.id ?? ''}: ${e.type.replace('action_', '')}${e.state ? ` (${e.state})` : ''}`;
  }
}

export interface Watch {
  element: HTMLElement;
  close(): void;
}

export function watchTask(threadId: string, taskId: string, onDone: (status: string) => void): Watch {
  const list = h('ol', { class: 'progress', 'aria-live': 'polite', 'aria-label': 'Progress events' });
  const state = h('p', { class: 'muted', role: 'status' }, 'Connecting to the progress stream…');
  const element = h('section', { class: 'card', 'aria-labelledby': `progress-${taskId}` }, h('h2', { id: `progress-${taskId}` }, 'Live progress'), state, list);
  const source = new EventSource(`${API}/threads/${encodeURIComponent(threadId)}/stream?until=done`, { withCredentials: true });
  let finished = false;
  source.addEventListener('snapshot', () => (state.textContent = 'Watching the investigation as it runs.'));
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as Event;
      if ((event.taskId ?? event.task_id) !== taskId) return;
      list.append(
        h('li', { 'data-event': event.type, 'data-call': event.callId, class: `ev ev-${event.type}${event.ok === false ? ' failed' : ''}` }, describe(event)),
      );
      if (event.type === 'task_done' && !finished) {
        finished = true;
        state.textContent = `The task is ${event.status}.`;
        source.close();
        onDone(event.status);
      }
    });
  }
  source.onerror = () => {
    if (!finished) state.textContent = 'The progress stream was interrupted; reconnecting…';
  };
  return { element, close: () => source.close() };
}
