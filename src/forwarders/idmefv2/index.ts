/**
 * The IDMEFv2 forwarder: converts a confirmed incident to one IDMEFv2 message, validates it against the
 * official schema of the configured version and POSTs it. Never sends an invalid message.
 *
 * Idempotency: the message `ID` is derived from `<source>:<sourceId>`, so every retry, double press or
 * re-forward after a restart sends the same `ID`; a receiver that keys on it keeps one record.
 */
import { networkInterfaces } from 'node:os';
import type { Actor } from '../../core/access.js';
import { actorLabel } from '../../core/access.js';
import { isAppError } from '../../core/errors.js';
import type { Incident } from '../../core/incident.js';
import { refOf } from '../../core/incident.js';
import type { AdapterDeps, Forwarder, ForwardResult } from '../../core/ports.js';
import { createIdmefv2Client, type Idmefv2Client } from './client.js';
import type { Idmefv2Config } from './config.js';
import { convertIncident, linkIp, type Idmefv2Message } from './convert.js';
import { validatorFor } from './validate.js';

export { idmefv2ConfigSchema, type Idmefv2Config, type Idmefv2Version } from './config.js';
export { convertIncident, messageId, type Idmefv2Message } from './convert.js';
export { validatorFor } from './validate.js';

export interface Idmefv2Forwarder extends Forwarder {
  /** The message `forward` would send now (tests, /debug, dry runs by the operator). */
  build(incident: Incident): Idmefv2Message;
}

export function createIdmefv2Forwarder(
  config: Idmefv2Config,
  deps: AdapterDeps,
  overrides: { client?: Idmefv2Client; hostIp?: () => string } = {},
): Idmefv2Forwarder {
  const log = deps.logger.child({ forwarder: 'idmefv2' });
  const validator = validatorFor(config.version);
  const client =
    overrides.client ??
    createIdmefv2Client({
      url: config.url,
      username: config.username,
      password: config.password,
      caFile: config.caFile,
      ...(config.certFile && config.keyFile ? { certFile: config.certFile, keyFile: config.keyFile } : {}),
      timeoutMs: Math.round(config.timeout * 1000),
    });
  const hostIp = overrides.hostIp ?? detectHostIp;

  function analyzerIp(incident: Incident): string {
    return config.analyzerIps[incident.source] ?? linkIp(incident.link) ?? config.analyzerIp ?? hostIp();
  }

  function build(incident: Incident): Idmefv2Message {
    return convertIncident(incident, {
      version: config.version,
      analyzerIp: analyzerIp(incident),
      categories: config.categories,
      maxSubEvents: config.maxSubEvents,
    });
  }

  return {
    id: 'idmefv2',
    labelKey: 'fwd-idmefv2',
    build,
    async forward(incident: Incident, actor: Actor, signal: AbortSignal): Promise<ForwardResult> {
      const message = build(incident);
      const id = String(message.ID);
      const meta = { ref: refOf(incident), id, version: config.version, actor: actorLabel(actor) };
      try {
        validator.assertValid(message);
      } catch (error) {
        // A local schema failure is a bug or a bad category rule, never something a retry fixes.
        log.error('idmefv2 message failed local validation, not sent', { ...meta, error: isAppError(error) ? error.message : String(error) });
        throw error;
      }
      try {
        const receipt = await client.send(message, signal);
        log.info('idmefv2 message delivered', { ...meta, status: receipt.status });
      } catch (error) {
        log.warn('idmefv2 delivery failed', { ...meta, kind: isAppError(error) ? error.kind : 'internal', error: isAppError(error) ? error.message : String(error) });
        throw error;
      }
      return { ref: id, created: true };
    },
  };
}

/** The first non-internal IPv4 of this host (what a receiver on the LAN most likely sees), else loopback. */
export function detectHostIp(): string {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const v4 = all.find((i) => i.family === 'IPv4' && !i.internal);
  return v4?.address ?? '127.0.0.1';
}
