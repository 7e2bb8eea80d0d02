import { z } from 'zod';

export const url = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

export const secret = z.string().min(1, 'required');
export const pollInterval = z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').default(60);
export const seconds = z.number().min(0);
export const caFile = z.string().min(1).optional();
export const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
