/**
 * Contract calls for Level 2 area graphics: where an engineer placed each machine of an area and
 * which machines feed which. Positions are fractions of the drawing (0..1), and the layout names the
 * box size it was arranged with, so a screen whose boxes are larger or smaller (a 4K wall at
 * wallboard type) scales the positions with the box and keeps the layout's shape.
 */
import { z } from 'zod';
import type { Permission } from './roles';

const spec = <Req extends z.ZodType, Res extends z.ZodType>(s: { request: Req; response: Res; permission: Permission; audited: boolean }) => s;

const MachineId = z.string().min(1).max(256);
const Area = z.string().min(1).max(256);
const Fraction = z.number().finite().min(0).max(1);
const Share = z.number().finite().gt(0).max(1);

export const AreaNodeSchema = z.object({ machineId: MachineId, x: Fraction, y: Fraction }).strict();
export type AreaNode = z.infer<typeof AreaNodeSchema>;
/** Material flows from `from` to `to`. */
export const AreaLinkSchema = z.object({ from: MachineId, to: MachineId }).strict();
export type AreaLink = z.infer<typeof AreaLinkSchema>;

/** A machine box's width and height as shares of the drawing's; absent in layouts saved before it was recorded. */
export const AreaBoxSchema = z.object({ width: Share, height: Share }).strict();
export type AreaBox = z.infer<typeof AreaBoxSchema>;

export const AreaLayoutSchema = z
  .object({ nodes: z.array(AreaNodeSchema).max(2_000), links: z.array(AreaLinkSchema).max(4_000), box: AreaBoxSchema.optional() })
  .strict()
  .superRefine((layout, ctx) => {
    const ids = new Set<string>();
    for (const n of layout.nodes) {
      if (ids.has(n.machineId)) ctx.addIssue({ code: 'custom', message: `machine ${n.machineId} is placed twice`, path: ['nodes'] });
      ids.add(n.machineId);
    }
    const links = new Set<string>();
    for (const l of layout.links) {
      if (l.from === l.to) ctx.addIssue({ code: 'custom', message: `machine ${l.from} cannot feed itself`, path: ['links'] });
      if (!ids.has(l.from) || !ids.has(l.to)) ctx.addIssue({ code: 'custom', message: `connection ${l.from} → ${l.to} names a machine that is not placed`, path: ['links'] });
      const key = `${l.from}\u0000${l.to}`;
      if (links.has(key)) ctx.addIssue({ code: 'custom', message: `connection ${l.from} → ${l.to} is given twice`, path: ['links'] });
      links.add(key);
    }
  });
export type AreaLayout = z.infer<typeof AreaLayoutSchema>;

export const StoredAreaLayoutSchema = z.object({
  area: z.string(),
  /** The engineer's layout; null when the area uses the automatic arrangement. */
  layout: AreaLayoutSchema.nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.number().nullable(),
  /** Why a stored layout could not be used (unreadable); the screen says so and draws the automatic arrangement. */
  problem: z.string().nullable(),
});
export type StoredAreaLayout = z.infer<typeof StoredAreaLayoutSchema>;

export const areaCalls = {
  'areas.layout.get': spec({ request: z.object({ area: Area }).strict(), response: StoredAreaLayoutSchema, permission: 'view', audited: false }),
  /** Saves an area's layout, or with `layout: null` returns the area to the automatic arrangement. */
  'areas.layout.set': spec({ request: z.object({ area: Area, layout: AreaLayoutSchema.nullable() }).strict(), response: StoredAreaLayoutSchema, permission: 'supervise', audited: true }),
} as const;
