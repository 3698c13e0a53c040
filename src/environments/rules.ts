/**
 * The rules of an environments config that span several fields: references to environments, unique keys,
 * ids and names, stack names, and the credentials each environment needs. Each problem names the path of
 * the offending value, what is allowed and how to fix it. Run by the loader once the schema's shape holds.
 */
import type { EnvironmentsConfig } from '../schema/environments';
import { defaultSecretVariable, secretVariableKey } from '../schema/environments';
import { type ConfigPath, type ResolvedStack, resolveStacks, stackName } from './resolve';

export interface ConfigRuleProblem {
  readonly path: ConfigPath;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
  readonly secret?: boolean;
}

/** Construct ids a project stack uses itself; a connection id must not take them. */
const STACK_CHILD_IDS = ['Api'];

/** The problems of a config whose shape holds, and its stacks (resolved once, and only when they can be). */
export function checkEnvironmentsConfig(config: EnvironmentsConfig): {
  readonly problems: ConfigRuleProblem[];
  readonly stacks: ResolvedStack[];
} {
  const structure = [
    ...credentials(config),
    ...environmentReferences(config),
    ...uniqueProjectKeys(config),
    ...uniqueConnectionIds(config),
    ...uniqueStackNames(config),
  ];
  // The rules on resolved stacks run even when the structure is wrong, so that every problem is reported at
  // once; on the first project of each key only (a repeated key would echo its own problem). A connection
  // promoted to an unknown environment is in no stack, so that mistake is reported once too.
  const stacks = resolveStacks(config).filter(
    (s) => config.projects.findIndex((p) => p.key === s.project) === s.projectIndex,
  );
  return { problems: [...structure, ...stackRules(stacks)], stacks: structure.length ? [] : stacks };
}

function credentials(config: EnvironmentsConfig): ConfigRuleProblem[] {
  return Object.entries(config.environments).flatMap(([env, e]): ConfigRuleProblem[] => {
    const at = (field: string): ConfigPath => ['environments', env, field];
    if (e.clientId !== undefined && e.bearerTokenVariable !== undefined) {
      return [
        {
          path: at('bearerTokenVariable'),
          value: e.bearerTokenVariable,
          allowed: 'either clientId with clientSecretVariable, or bearerTokenVariable, not both',
          fix: 'remove bearerTokenVariable to use the service account, or remove clientId and clientSecretVariable',
        },
      ];
    }
    if (e.clientId !== undefined && e.clientSecretVariable === undefined) {
      const example = `${env.replace(/-/g, '_')}_thingpark_client_secret`;
      return [
        {
          path: at('clientSecretVariable'),
          value: undefined,
          allowed: 'the name of the variable that holds the client secret of clientId',
          fix: `add clientSecretVariable: ${example} and set TF_VAR_${example} where cdktf runs`,
        },
      ];
    }
    if (e.clientId === undefined && e.clientSecretVariable !== undefined) {
      return [
        {
          path: at('clientId'),
          value: undefined,
          allowed: 'the OAuth2 client id that goes with clientSecretVariable',
          fix: 'add clientId: the client id of your ThingPark service account',
        },
      ];
    }
    if (e.clientId === undefined && e.bearerTokenVariable === undefined) {
      return [
        {
          path: at('clientId'),
          value: undefined,
          allowed: 'clientId with clientSecretVariable (a service account), or bearerTokenVariable',
          fix: 'add clientId and clientSecretVariable of your ThingPark service account',
        },
      ];
    }
    return [];
  });
}

function environmentReferences(config: EnvironmentsConfig): ConfigRuleProblem[] {
  const known = Object.keys(config.environments);
  const allowed = `an environment declared under environments: ${known.join(', ')}`;
  const unknown = (path: ConfigPath, env: string): ConfigRuleProblem[] =>
    known.includes(env)
      ? []
      : [{ path, value: env, allowed, fix: `declare ${env} under environments, or correct the spelling` }];
  return config.projects.flatMap((project, p) => [
    ...Object.keys(project.environments ?? {}).flatMap((env) =>
      unknown(['projects', p, 'environments', env], env),
    ),
    ...project.connections.flatMap((connection, c) => {
      const at: ConfigPath = ['projects', p, 'connections', c];
      return [
        ...connection.promoteTo.flatMap((env, i) => [
          ...unknown([...at, 'promoteTo', i], env),
          ...(connection.promoteTo.indexOf(env) < i
            ? [
                {
                  path: [...at, 'promoteTo', i],
                  value: env,
                  allowed: 'each environment once',
                  fix: `remove the second ${env}`,
                },
              ]
            : []),
        ]),
        ...Object.keys(connection.overrides ?? {}).flatMap((env) => unknown([...at, 'overrides', env], env)),
      ];
    }),
  ]);
}

/** One problem for each value of `items` already seen earlier in the list. */
function duplicates<T>(
  items: T[],
  key: (item: T) => string,
  problem: (item: T, index: number, first: number) => ConfigRuleProblem,
): ConfigRuleProblem[] {
  const seen = new Map<string, number>();
  return items.flatMap((item, index) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) {
      seen.set(k, index);
      return [];
    }
    return [problem(item, index, first)];
  });
}

function uniqueProjectKeys(config: EnvironmentsConfig): ConfigRuleProblem[] {
  return duplicates(
    config.projects,
    (p) => p.key,
    (p, i, first) => ({
      path: ['projects', i, 'key'],
      value: p.key,
      allowed: `a key no other project has (projects[${first}] is ${p.key})`,
      fix: 'give each project its own key, e.g. farm-sensors and farm-pumps',
    }),
  );
}

function uniqueConnectionIds(config: EnvironmentsConfig): ConfigRuleProblem[] {
  return config.projects.flatMap((project, p) => {
    const ids = project.connections.map((c) => c.id);
    return [
      ...duplicates(
        project.connections,
        (c) => c.id,
        (c, i, first) => ({
          path: ['projects', p, 'connections', i, 'id'],
          value: c.id,
          allowed: `an id no other connection of ${project.key} has (connections[${first}] has it)`,
          fix: 'give each connection of a project its own id',
        }),
      ),
      // The stack adds an `Api` construct and outputs `<id>Id` and `<id>State` next to the connections.
      ...project.connections.flatMap((c, i): ConfigRuleProblem[] => {
        const other = ids.find((id) => `${id}Id` === c.id || `${id}State` === c.id);
        if (!STACK_CHILD_IDS.includes(c.id) && other === undefined) return [];
        return [
          {
            path: ['projects', p, 'connections', i, 'id'],
            value: c.id,
            allowed: other
              ? `an id other than ${c.id}: the stack names the outputs of connection ${other} so`
              : `an id other than ${STACK_CHILD_IDS.join(', ')}, which the stack uses itself`,
            fix: 'rename the connection id',
          },
        ];
      }),
    ];
  });
}

function uniqueStackNames(config: EnvironmentsConfig): ConfigRuleProblem[] {
  // Duplicate project keys are reported on their own; only the first project of a key makes stacks.
  const projects = config.projects
    .map((project, p) => ({ key: project.key, p }))
    .filter(({ key, p }) => config.projects.findIndex((y) => y.key === key) === p);
  const pairs = Object.keys(config.environments).flatMap((env) => projects.map((x) => ({ env, ...x })));
  return duplicates(
    pairs,
    (x) => stackName(x.env, x.key),
    (x, _i, first) => ({
      path: ['projects', x.p, 'key'],
      value: x.key,
      allowed:
        `a key whose stack names are unique: environment ${x.env} with project ${x.key} and environment ` +
        `${pairs[first].env} with project ${pairs[first].key} both make stack ${stackName(x.env, x.key)}`,
      fix: 'rename the project or the environment so that no <env>-<project> stack name repeats',
    }),
  );
}

/** Rules on the resolved stacks: credentials variables, connection names per endpoint, secret variables. */
function stackRules(stacks: ResolvedStack[]): ConfigRuleProblem[] {
  const problems: ConfigRuleProblem[] = [];
  for (const stack of stacks) {
    const credential = stack.props.clientSecretVariable ?? stack.props.bearerTokenVariable;
    for (const secret of stack.preset.secrets) {
      const variable = stack.props.secretVariables![secret.prop];
      if (credential === undefined || credential !== variable) continue;
      problems.push({
        path: stack.secretVariablePaths[secret.prop],
        value: variable,
        allowed: `a ${secret.label} variable other than the ThingPark credential variable of ${stack.environment}`,
        fix: `name it e.g. ${defaultSecretVariable(stack.environment, stack.project, secret)}`,
      });
    }
  }
  // One endpoint per environment: IoT Flow does not enforce unique names, this library does (adoption by name).
  for (const env of new Set(stacks.map((s) => s.environment))) {
    const named = stacks
      .filter((s) => s.environment === env)
      .flatMap((s) => s.connections.map((c) => ({ stack: s, c })));
    problems.push(
      ...duplicates(
        named,
        (x) => x.c.props.name,
        (x, _i, first) => ({
          path: x.c.namePath,
          value: x.c.props.name,
          allowed: `a name no other connection in ${env} has (${named[first].stack.name}/${named[first].c.props.id} has it)`,
          fix: `give each connection of ${env} its own name, e.g. with overrides.${env}.name`,
        }),
      ),
    );
  }
  return [...problems, ...sharedSecretVariables(stacks)];
}

/** The preset and account (e.g. `Qubitro projectId <id>`) a secret of `stack` belongs to. */
function accountOf(stack: ResolvedStack): string {
  const fields = stack.preset.fields.filter((f) => f.account);
  return [stack.preset.title, ...fields.map((f) => `${f.prop} ${stack.props.fields?.[f.prop]}`)].join(' ');
}

/**
 * A secret belongs to one account of one preset (a Qubitro signing key to one Qubitro project): one variable
 * cannot serve two. Presets without an account field may share a variable between stacks of that preset.
 */
function sharedSecretVariables(stacks: ResolvedStack[]): ConfigRuleProblem[] {
  const owner = new Map<string, { stack: ResolvedStack; prop: string }>();
  const problems: ConfigRuleProblem[] = [];
  for (const s of stacks) {
    for (const secret of s.preset.secrets) {
      const variable = s.props.secretVariables![secret.prop];
      const first = owner.get(variable);
      if (!first) owner.set(variable, { stack: s, prop: secret.prop });
      else if (accountOf(first.stack) !== accountOf(s) || first.prop !== secret.prop) {
        problems.push({
          path: s.secretVariablePaths[secret.prop],
          value: variable,
          allowed:
            `a ${secret.label} variable of ${accountOf(s)} only; stack ${first.stack.name} uses ` +
            `${variable} for ${accountOf(first.stack)}`,
          fix: `set ${secretVariableKey(secret)} under projects[${s.projectIndex}].environments.${s.environment}, or leave it out for the default ${defaultSecretVariable(s.environment, s.project, secret)}`,
        });
      }
    }
  }
  return problems;
}
