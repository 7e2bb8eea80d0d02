import { z } from 'zod';
import { caFile, secret, url } from '../../config/common.js';

export const idmefv2ConfigSchema = z.object({
  url,
  username: z.string().min(1).optional(),
  password: secret.optional(),
  version: z.enum(['2.D.V04', '2.D.V08']).default('2.D.V04'),
  caFile,
});
export type Idmefv2Config = z.infer<typeof idmefv2ConfigSchema>;
