// Fields every upstream delivery event carries (contract §1).
import * as z from "zod";
import { isTimeZone } from "#shared/domain/calendar-spec.ts";

export const waybillNo = z
  .string()
  .regex(/^[A-Za-z0-9-]{6,40}$/, "6–40 characters of letters, digits and '-'");

export const isoTimestamp = z.iso.datetime({ offset: true });

export const customerTier = z.enum(["regular", "vip"]);

export const customer = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(200).optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9][0-9 -]{4,30}$/, "digits, spaces, '-' and an optional leading '+'")
    .optional(),
  tier: customerTier,
  /** IANA time zone of the customer (calls and notices keep to their daytime); default Asia/Shanghai. */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, "an IANA time zone such as Asia/Shanghai")
    .optional(),
  /** The customer agreed to be called outside working hours about an urgent case. */
  outOfHoursCallsAgreed: z.boolean().optional(),
});

/** Declared value of the goods, in CNY. */
export const declaredValue = z.number().nonnegative().max(100_000_000);

export const upstreamBase = z.object({
  eventId: z.string().min(1).max(128),
  waybillNo,
  occurredAt: isoTimestamp,
  customer,
  orderId: z.string().min(1).max(128).optional(),
  outletId: z.string().min(1).max(128).optional(),
  courierId: z.string().min(1).max(128).optional(),
  region: z.string().min(1).max(128).optional(),
});
