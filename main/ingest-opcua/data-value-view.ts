/**
 * A DataValue seen as the value rules (opcua-values.ts) need it, each field read only when asked
 * for: one view per connection is pointed at every change in turn, so judging a change allocates
 * nothing and the status name is built only for a refusal.
 */
import { VariantArrayType, type DataValue } from 'node-opcua';
import type { EventMs } from '../../common/time';
import type { ValueIn } from './opcua-values';

export class DataValueView implements ValueIn {
  dv: DataValue | null = null;
  get status(): number {
    return this.dv!.statusCode.value;
  }
  get statusName(): string {
    return this.dv!.statusCode.name;
  }
  get value(): unknown {
    return this.dv!.value?.value;
  }
  get isArray(): boolean {
    const variant = this.dv!.value;
    return variant !== null && variant.arrayType !== VariantArrayType.Scalar;
  }
  get sourceTimestamp(): EventMs | null {
    return this.dv!.sourceTimestamp?.getTime() ?? null;
  }
  get serverTimestamp(): EventMs | null {
    return this.dv!.serverTimestamp?.getTime() ?? null;
  }
}
