import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { CallResponse } from '../../../common/contract';
import { useServices } from '../app/services-context';
import { useAllowed } from '../app/use-allowed';
import { describeFailure } from '../transport/client';

type Store = CallResponse<'opcua.certificates'>;

/**
 * This console's client certificate, for the server's administrator to trust (thumbprint to compare
 * by phone, PEM to copy or save), and the server certificates: a rejected one is trusted here,
 * explicitly, by an administrator.
 */
export function OpcuaCertificates() {
  const { call, health } = useServices();
  const canTrust = useAllowed('opcua.trust');
  const [store, setStore] = useState<Store | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setStore(await call('opcua.certificates', {}));
      setFailure(null);
    } catch (error) {
      setFailure(describeFailure(error));
    }
  }, [call]);
  // A connection attempt is what creates this console's certificate and files a server's one as
  // rejected, so the list is read again whenever an OPC UA server's state changes.
  const states = useStore(health, (h) => (h.health?.fieldSources ?? []).filter((f) => f.protocol === 'opcua').map((f) => `${f.name}:${f.state}`).join(','));
  useEffect(() => void load(), [load, states]);

  const trust = async (thumbprint: string) => {
    try {
      const c = await call('opcua.trust', { thumbprint });
      setNote(`Trusted ${c.subject ?? c.thumbprint}; the next connection attempt uses it.`);
      await load();
    } catch (error) {
      setNote(`Trust refused: ${describeFailure(error)}`);
    }
  };

  return (
    <div data-testid="opcua-certificates">
      <h4>
        Certificates{' '}
        <button type="button" data-testid="certificates-refresh" onClick={() => void load()}>
          Refresh
        </button>
      </h4>
      {failure && <p className="unknown-note">Not available ({failure})</p>}
      {store && (
        <>
          <OwnCertificate own={store.own} />
          <table className="data-table">
            <thead>
              <tr>
                <th>Server certificate</th>
                <th>Thumbprint (SHA-1)</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {store.rejected.map((c) => (
                <tr key={c.thumbprint} data-testid="rejected-certificate" data-thumbprint={c.thumbprint}>
                  <td>{c.subject ?? '?'}</td>
                  <td>
                    <code>{c.thumbprint}</code>
                  </td>
                  <td className="off-target">rejected</td>
                  <td>
                    {canTrust && (
                      <button type="button" data-testid="trust-certificate" onClick={() => void trust(c.thumbprint)}>
                        Trust
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {store.trusted.map((c) => (
                <tr key={c.thumbprint} data-testid="trusted-certificate" data-thumbprint={c.thumbprint}>
                  <td>{c.subject ?? '?'}</td>
                  <td>
                    <code>{c.thumbprint}</code>
                  </td>
                  <td>trusted</td>
                  <td />
                </tr>
              ))}
              {store.rejected.length + store.trusted.length === 0 && (
                <tr>
                  <td colSpan={4}>No server certificate seen yet.</td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
      {note && (
        <p className="hint" role="status" data-testid="trust-result">
          {note}
        </p>
      )}
    </div>
  );
}

function OwnCertificate({ own }: { own: Store['own'] }) {
  const href = useMemo(() => (own && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(new Blob([own.pem], { type: 'application/x-pem-file' })) : null), [own]);
  useEffect(() => () => void (href && URL.revokeObjectURL(href)), [href]);
  if (!own) return <p className="unknown-note">This console's client certificate is created when the first server is started.</p>;
  return (
    <dl className="facts" data-testid="own-certificate">
      <dt>This console</dt>
      <dd>{own.subject ?? 'client certificate'}</dd>
      <dt>Thumbprint (SHA-1)</dt>
      <dd>
        <code data-testid="own-thumbprint">{own.thumbprint}</code>
      </dd>
      <dt>File on the host</dt>
      <dd>{own.file}</dd>
      <dt>For the server's administrator</dt>
      <dd>
        {href && (
          <a href={href} download="factorybrain-opcua-client.pem" data-testid="own-pem-download">
            Save the certificate (PEM)
          </a>
        )}
        <textarea readOnly rows={4} cols={66} value={own.pem} data-testid="own-pem" aria-label="client certificate PEM" />
      </dd>
    </dl>
  );
}
