// AI calls: every AI call or agent run the held traces contain (OpenTelemetry
// GenAI, Sentry gen_ai.*, Vercel AI SDK ai.* spans, read by the server), and
// one run: its summary, steps, conversation and tool calls.

import { useState } from 'react';
import { Link, useNavigate } from '../context';
import { useDebounced, useDetail, useList, useNow } from '../hooks';
import { formatDuration, formatRelative, parseTime } from '../lib/format';
import { BackLink, NotInBuffer, SearchBox, Section } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { ListError, ListStatus, plural } from '../components/ListParts';
import { AISummary, formatCost, tokensLabel } from '../components/AISummary';
import type { AIMessage, AIRun, AIToolCall } from '../api/ai-types';

/** Content longer than this is folded. */
const FOLD_CHARS = 600;

export function AICallsView() {
  const nav = useNavigate();
  const now = useNow(5000);
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim());
  const { list, total, item, onRange } = useList('aiCalls', { q });
  return (
    <div className="view">
      <div className="toolbar">
        <h1>AI calls</h1>
        <SearchBox value={query} onChange={setQuery} label="Search AI calls" placeholder="Model, provider, agent, tool" />
        <ListStatus loaded={list.total !== null}>{plural(total, 'call')}</ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head ai-row" aria-hidden="true">
        <span>Call</span>
        <span>Model</span>
        <span>Latency</span>
        <span>Tokens</span>
        <span>Cost</span>
        <span>Started</span>
      </div>
      <VirtualList<AIRun>
        count={total}
        item={item}
        onRange={onRange}
        label="AI calls"
        rowHeight={52}
        getKey={(r) => r.id}
        onOpen={(r) => nav(`/ai/${encodeURIComponent(r.id)}`)}
        empty={list.total === null ? null : 'No AI calls yet. Spans of the OpenTelemetry GenAI conventions, Sentry AI integrations or the Vercel AI SDK (experimental_telemetry) appear here.'}
        renderRow={(r) => (
          <div className="ai-row row-content" data-testid="ai-row">
            <span className="error-title">
              <span className="ellipsis">
                <strong>{r.agent ? `${r.agent} · ` : ''}{r.name}</strong>
              </span>
              <span className="muted small ellipsis">
                {r.kind} · {r.calls} model call{r.calls === 1 ? '' : 's'}
                {r.tools?.length ? ` · tools: ${r.tools.join(', ')}` : ''}
                {r.transaction ? ` · in ${r.transaction}` : ''}
              </span>
            </span>
            <span className="ellipsis">
              <span className="mono">{r.model ?? '—'}</span>
              {r.provider && <span className="muted small"> {r.provider}</span>}
            </span>
            <span className="mono">{formatDuration(r.durationMs)}</span>
            <span className="small">{tokensLabel(r)}</span>
            <span className="small">{r.costUsd !== undefined ? formatCost(r.costUsd) : '—'}</span>
            <span className="muted small">{formatRelative(parseTime(r.start), now)}</span>
          </div>
        )}
      />
    </div>
  );
}

export function AICallDetailView({ id }: { id: string }) {
  const d = useDetail('aiCall', id);
  if (!d.data) {
    return (
      <NotInBuffer back="/ai" backLabel="AI calls" status={d.status} error={d.error}>
        AI call {id} is not in the sidecar's buffer.
      </NotInBuffer>
    );
  }
  const r = d.data;
  return (
    <div className="view padded" data-testid="ai-detail">
      <BackLink to="/ai" label="AI calls" />
      <h1>
        {r.agent ? `${r.agent} · ` : ''}
        {r.name}
      </h1>
      <div className="meta">
        <span data-testid="ai-trace-link">
          <Link to={`/traces/${r.traceId}?span=${r.spanId}`}>Open in trace {r.transaction ?? r.traceId.slice(0, 12)}</Link>
        </span>
        <span>
          {r.calls} model call{r.calls === 1 ? '' : 's'}
        </span>
        {r.tools?.length ? <span>tools: {r.tools.join(', ')}</span> : null}
      </div>
      <AISummary ai={r} durationMs={r.durationMs} />
      <Section title="Conversation">
        {r.messages?.length ? <Conversation messages={r.messages} /> : <p className="muted">The spans carry no messages (the SDK may record inputs and outputs only when asked to).</p>}
      </Section>
      {r.toolCalls && r.toolCalls.length > 0 && (
        <Section title={`Tool calls (${r.toolCalls.length})`}>
          {r.toolCalls.map((c, i) => (
            <ToolCallCard key={c.id ?? i} call={c} traceId={r.traceId} />
          ))}
        </Section>
      )}
      {r.steps && r.steps.length > 1 && (
        <Section title="Steps">
          <ol className="plain-list ai-steps">
            {r.steps.map((s) => (
              <li key={s.spanId} style={{ paddingLeft: s.depth * 16 }}>
                <Link to={`/traces/${r.traceId}?span=${s.spanId}`}>{s.name}</Link>{' '}
                <span className="muted small">
                  {s.ai.kind} · {formatDuration(s.durationMs)}
                  {s.ai.model ? ` · ${s.ai.model}` : ''}
                  {s.ai.inputTokens || s.ai.outputTokens ? ` · ${tokensLabel(s.ai)}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </Section>
      )}
    </div>
  );
}

function Conversation({ messages }: { messages: readonly AIMessage[] }) {
  return (
    <ol className="conversation" aria-label="Conversation">
      {messages.map((m, i) => (
        <li key={i} className={`msg msg-${m.role}`} data-testid="ai-message" data-role={m.role}>
          <div className="msg-role">
            {m.role}
            {m.toolName ? <span className="muted"> · {m.toolName}</span> : null}
          </div>
          {m.content ? <Folded text={m.content} /> : null}
          {m.toolCalls?.map((c, j) => (
            <div key={c.id ?? j} className="msg-call mono small">
              → calls {c.name}({c.arguments ?? ''})
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** Long content folded: the first lines, and the rest behind a toggle. */
function Folded({ text }: { text: string }) {
  const pretty = prettyJSON(text);
  if (pretty.length <= FOLD_CHARS) return <pre className="msg-text">{pretty}</pre>;
  return (
    <details className="msg-fold">
      <summary>
        <pre className="msg-text">{pretty.slice(0, FOLD_CHARS)}…</pre>
        <span className="small link-like">Show all {pretty.length.toLocaleString()} characters</span>
      </summary>
      <pre className="msg-text">{pretty}</pre>
    </details>
  );
}

/** JSON text indented for reading; anything else as it is. */
function prettyJSON(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}

function ToolCallCard({ call, traceId }: { call: AIToolCall; traceId: string }) {
  return (
    <div className="tool-call" data-testid="ai-tool-call">
      <div>
        <strong className="mono">{call.name}</strong>
        {call.id && <span className="muted small mono"> {call.id}</span>}
        {call.spanId && (
          <>
            {' '}
            <Link to={`/traces/${traceId}?span=${call.spanId}`} className="small">
              span
            </Link>
          </>
        )}
      </div>
      <div className="small muted">Arguments</div>
      <Folded text={call.arguments ?? ''} />
      <div className="small muted">Result</div>
      {call.result ? <Folded text={call.result} /> : <p className="muted small">No result recorded.</p>}
    </div>
  );
}
