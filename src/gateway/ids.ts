import { z } from 'zod';
import {
  PLATFORM_ID_PATTERN,
  PLATFORM_ID_RULE,
  merchantOrderIdRule,
} from '../../vocabulary/payout-request.js';

/** A merchant order id at a zod boundary: the vocabulary's rule (vocabulary/payout-request.ts). */
export const merchantOrderIdSchema = z
  .string({ error: 'required, a string' })
  .superRefine((v, ctx) => {
    const rule = merchantOrderIdRule(v);
    if (rule !== undefined) ctx.addIssue({ code: 'custom', message: rule });
  });

/** A merchant id (`platform_id`) at a zod boundary: the vocabulary's rule. */
export const platformIdSchema = z
  .string({ error: 'required, a string' })
  .regex(PLATFORM_ID_PATTERN, PLATFORM_ID_RULE);
