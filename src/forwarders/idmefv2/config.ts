import { z } from 'zod';
import { caFile, secret, url } from '../../config/common.js';

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

/**
 * An operator's category rule: when `match` occurs (case-insensitive) in one of the incident's signals
 * (title, MaxPatrol type and correlation rule, Elastic rule name/tags/tactics, Sophos category/type, Illumio
 * event type), the message gets these categories. Values are checked against the schema before sending.
 */
const categoryRule = z.object({
  /** Limit the rule to one source id (maxpatrol, elastic, sophos, illumio). */
  source: z.string().min(1).optional(),
  match: z.string().min(1),
  /** Categories for 2.D.V04 messages, e.g. `Attempt.Login`. */
  v04: z.array(z.string().min(1)).default([]),
  /** Categories for 2.D.V08 messages, e.g. `Access.Forced`. */
  v08: z.array(z.string().min(1)).default([]),
});

export const idmefv2ConfigSchema = z
  .object({
    url,
    username: z.string().min(1).optional(),
    password: secret.optional(),
    version: z.enum(['2.D.V04', '2.D.V08']).default('2.D.V04'),
    caFile,
    /** Client certificate and key (PEM files) for a receiver that requires mutual TLS; both or neither. */
    certFile: caFile,
    keyFile: caFile,
    /** Seconds one POST may take before it counts as failed (retryable). */
    timeout: z.number().positive().max(300).default(10),
    /**
     * `Analyzer.IP` (V04 requires it) when nothing better is known: the address of socbot's host as the
     * receiver sees it. Detected from the network interfaces when absent.
     */
    analyzerIp: ip.optional(),
    /** Per source id, the address of the source system (MaxPatrol, Kibana, PCE …) used as `Analyzer.IP`. */
    analyzerIps: z.record(z.string(), ip).default({}),
    /** Tried before the built-in category map; the first matching rule wins. */
    categories: z.array(categoryRule).default([]),
    /** Sub-events carried in the `SubEvents` attachment; the rest are only counted, keeping messages small. */
    maxSubEvents: z.number().int().min(0).max(1000).default(100),
  })
  .superRefine((v, ctx) => {
    // Basic auth is sent only with both halves; one alone would silently send none.
    if (v.username !== undefined && v.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'required when username is set' });
    }
    if (v.password !== undefined && v.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'required when password is set' });
    }
    if ((v.certFile === undefined) !== (v.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.certFile === undefined ? 'certFile' : 'keyFile'], message: 'certFile and keyFile go together' });
    }
  });
export type Idmefv2Config = z.infer<typeof idmefv2ConfigSchema>;
export type Idmefv2Version = Idmefv2Config['version'];
