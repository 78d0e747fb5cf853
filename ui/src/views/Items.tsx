// Items the server could not decode (bad JSON, wrong shape): never dropped,
// listed with their type and the reason, and shown raw in the detail.

import { useAppState, useNavigate } from '../context';
import { useDetail, useList, useNow } from '../hooks';
import { formatBytes, formatDateTime, formatRelative, parseTime } from '../lib/format';
import { BackLink, KeyValueTable, NotInBuffer, Section } from '../components/common';
import { VirtualList } from '../components/VirtualList';
import { ListError, ListStatus, plural } from '../components/ListParts';
import type { UndecodableItem } from '../api/types';

const PAYLOAD_SHOWN_CHARS = 100_000;

export function ItemsView() {
  const nav = useNavigate();
  const now = useNow(5000);
  const { list, total, item, onRange } = useList('items', {});
  return (
    <div className="view">
      <div className="toolbar">
        <h1>Undecodable items</h1>
        <ListStatus loaded={list.total !== null}>{plural(total, 'item')}</ListStatus>
      </div>
      {list.error && <ListError error={list.error} />}
      <div className="list-head items-row" aria-hidden="true">
        <span>Item type</span>
        <span>Reason</span>
        <span>Size</span>
        <span>Received</span>
      </div>
      <VirtualList<UndecodableItem>
        count={total}
        item={item}
        onRange={onRange}
        label="Undecodable items"
        rowHeight={40}
        getKey={(i) => i.id}
        onOpen={(i) => nav(`/items/${encodeURIComponent(i.id)}`)}
        empty={list.total === null ? null : 'Every item the sidecar holds was decoded.'}
        renderRow={(i) => (
          <div className="items-row row-content" data-testid="item-row">
            <span className="mono">{i.itemType}</span>
            <span className="ellipsis">{i.reason}</span>
            <span className="muted small">{formatBytes(i.size)}</span>
            <span className="muted small">{formatRelative(parseTime(i.received), now)}</span>
          </div>
        )}
      />
    </div>
  );
}

export function ItemDetailView({ id }: { id: string }) {
  const d = useDetail('item', id);
  const client = useAppState((s) => s.client());
  if (!d.data) {
    return (
      <NotInBuffer back="/items" backLabel="Undecodable items" status={d.status} error={d.error}>
        Item {id} is not in the sidecar's buffer.
      </NotInBuffer>
    );
  }
  const i = d.data;
  return (
    <div className="view padded detail" data-testid="item-detail">
      <BackLink to="/items" label="Undecodable items" />
      <h1>
        Undecodable <span className="mono">{i.itemType}</span> item
      </h1>
      <p className="banner banner-warn" role="note">
        {i.reason}
      </p>
      {i.truncated && (
        <p className="banner banner-warn" role="note" data-testid="truncated">
          The envelope ended inside this item: {formatBytes(i.truncated.received)} of the {formatBytes(i.truncated.length)} its header declared arrived.
        </p>
      )}
      <KeyValueTable
        label="Item"
        data={{
          'item type': i.itemType,
          'content type': i.contentType,
          size: formatBytes(i.size),
          received: formatDateTime(parseTime(i.received)),
          envelope: i.envelopeId,
        }}
      />
      <p>
        <a href={client.envelopeUrl(i.envelopeId)} download={`envelope-${i.envelopeId}.txt`}>
          Download envelope
        </a>
      </p>
      <Section title="Item header">
        <pre className="json">{JSON.stringify(i.header, null, 2)}</pre>
      </Section>
      <Section title={i.payloadEncoding === 'base64' ? 'Payload (base64)' : 'Payload'}>
        <pre className="attachment-text" data-testid="item-payload">
          {i.payload.length > PAYLOAD_SHOWN_CHARS ? `${i.payload.slice(0, PAYLOAD_SHOWN_CHARS)}\n… (truncated)` : i.payload}
        </pre>
      </Section>
    </div>
  );
}
