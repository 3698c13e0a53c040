/**
 * Each props interface and the zod schema that checks it at run time describe the same fields: checked at
 * compile time (ts-jest type-checks this file, so a drift fails the suite with the offending key).
 */
import type { z } from 'zod';
import type { IResolvable } from 'cdktf';
import type {
  IotFlowApiProps,
  IotFlowConnectionProps,
  QubitroConnectionProps,
  QubitroProjectStackProps,
} from '../../src';
import type { apiSchema } from '../../src/schema/api';
import type { connectionSchema } from '../../src/schema/connection';
import type { qubitroConnectionSchema } from '../../src/schema/qubitro';
import type { projectStackSchema } from '../../src/schema/stack';

/** The keys of `T` that may be left out. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * The keys where `Props` and the schema disagree: props the schema does not name (bar `Other`, which the
 * construct checks itself or in parts), schema fields the props lack, props the type lets users leave out
 * but the schema requires, and props whose type (tokens aside) the schema would refuse.
 */
type Mismatch<Props, Schema extends z.ZodType, Other extends keyof Props = never> =
  | Exclude<keyof Props, keyof z.input<Schema> | Other>
  | Exclude<keyof z.input<Schema>, keyof Props>
  | Exclude<OptionalKeys<Props> & keyof z.input<Schema>, OptionalKeys<z.input<Schema>> | Other>
  | {
      [K in Exclude<keyof Props & keyof z.input<Schema>, Other>]-?: Exclude<
        Props[K],
        IResolvable | undefined
      > extends z.input<Schema>[K] | undefined
        ? never
        : K;
    }[Exclude<keyof Props & keyof z.input<Schema>, Other>];

/** Compiles only when `M` is `never`; returns the (empty) list of mismatched keys for an assertion. */
const mismatches = <M extends never>(): M[] => [];

test('IotFlowApiProps and the endpoint schema name the same fields with the same types', () => {
  expect(mismatches<Mismatch<IotFlowApiProps, typeof apiSchema>>()).toEqual([]);
});

test('IotFlowConnectionProps and the connection schema name the same fields, api and adoptExisting aside', () => {
  expect(
    mismatches<Mismatch<IotFlowConnectionProps, typeof connectionSchema, 'api' | 'adoptExisting'>>(),
  ).toEqual([]);
});

test('QubitroConnectionProps and the Qubitro schema name the same fields, the shared connection options aside', () => {
  expect(
    mismatches<
      Mismatch<
        QubitroConnectionProps,
        typeof qubitroConnectionSchema,
        'api' | 'alarms' | 'importFrom' | 'adoptExisting'
      >
    >(),
  ).toEqual([]);
});

test('QubitroProjectStackProps and the stack schema name the same fields, connections checked one by one', () => {
  // The stack schema checks only the connection ids; each connection's props are QubitroConnection's.
  expect(mismatches<Mismatch<QubitroProjectStackProps, typeof projectStackSchema, 'connections'>>()).toEqual(
    [],
  );
});
