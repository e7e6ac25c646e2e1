/**
 * The discovery document served at `/fleet/v1/discovery`: a Google API discovery description of
 * fleet's v1 API (the form fleet's generated Go client was made from). `rootUrl` is the literal
 * `$ENDPOINT/`, for a client to replace with the address it talks to.
 */

const str = (description: string): Record<string, unknown> => ({ type: 'string', description });
const ref = (name: string): Record<string, string> => ({ $ref: name });
const pageTokenParameter = {
  type: 'string',
  location: 'query',
  description: 'The token a previous page returned as nextPageToken; leave it out for the first page.',
};
const unitNameParameter = { type: 'string', location: 'path', required: true, description: 'The unit name, e.g. hello.service.' };

const schemas = {
  Machine: {
    id: 'Machine',
    type: 'object',
    description: 'A machine running fleetd that is present in the cluster.',
    properties: {
      id: str('The machine ID (the content of /etc/machine-id).'),
      metadata: {
        type: 'object',
        description: 'Metadata of the machine: its configured metadata merged with metadata set through this API.',
        additionalProperties: { type: 'string' },
      },
      primaryIP: str('The IP address the machine publishes to the cluster.'),
    },
  },
  MachinePage: {
    id: 'MachinePage',
    type: 'object',
    properties: {
      machines: { type: 'array', items: ref('Machine') },
      nextPageToken: str('Present when another page may follow.'),
    },
  },
  Unit: {
    id: 'Unit',
    type: 'object',
    description: 'A unit submitted to the cluster.',
    properties: {
      currentState: {
        type: 'string',
        description: 'The state the cluster has brought the unit to.',
        enum: ['inactive', 'loaded', 'launched'],
      },
      desiredState: {
        type: 'string',
        description: 'The state the unit was asked to be in.',
        enum: ['inactive', 'loaded', 'launched'],
      },
      machineID: str('The machine the unit is scheduled to; absent while unscheduled and for global units.'),
      name: str('The unit name, e.g. hello.service.'),
      options: { type: 'array', description: 'The options of the unit file, in file order.', items: ref('UnitOption') },
    },
  },
  UnitOption: {
    id: 'UnitOption',
    type: 'object',
    description: 'One Name=Value line of a unit file and the [Section] it belongs to.',
    properties: {
      name: str('The option name, e.g. ExecStart.'),
      section: str('The section name, e.g. Service.'),
      value: str('The option value.'),
    },
  },
  UnitPage: {
    id: 'UnitPage',
    type: 'object',
    properties: {
      nextPageToken: str('Present when another page may follow.'),
      units: { type: 'array', items: ref('Unit') },
    },
  },
  UnitState: {
    id: 'UnitState',
    type: 'object',
    description: 'The state of a unit on one machine, as that machine reports it.',
    properties: {
      hash: str('SHA-1 of the unit file the machine has loaded.'),
      machineID: str('The reporting machine.'),
      name: str('The unit name.'),
      systemdActiveState: str('The active state, e.g. active, failed.'),
      systemdLoadState: str('The load state, e.g. loaded.'),
      systemdSubState: str('The sub-state, e.g. running, dead.'),
    },
  },
  UnitStatePage: {
    id: 'UnitStatePage',
    type: 'object',
    properties: {
      nextPageToken: str('Present when another page may follow.'),
      states: { type: 'array', items: ref('UnitState') },
    },
  },
};

const resources = {
  Machines: {
    methods: {
      List: {
        id: 'fleet.Machine.List',
        description: 'Lists the machines present in the cluster, sorted by ID.',
        httpMethod: 'GET',
        path: 'machines',
        parameters: { nextPageToken: pageTokenParameter },
        response: ref('MachinePage'),
      },
    },
  },
  UnitState: {
    methods: {
      List: {
        id: 'fleet.UnitState.List',
        description: 'Lists the unit states the machines report, sorted by unit name then machine ID.',
        httpMethod: 'GET',
        path: 'state',
        parameters: {
          machineID: { type: 'string', location: 'query', description: 'Only the states reported by this machine.' },
          nextPageToken: pageTokenParameter,
          unitName: { type: 'string', location: 'query', description: 'Only the states of this unit.' },
        },
        response: ref('UnitStatePage'),
      },
    },
  },
  Units: {
    methods: {
      Delete: {
        id: 'fleet.Unit.Delete',
        description: 'Removes a unit from the cluster.',
        httpMethod: 'DELETE',
        path: 'units/{unitName}',
        parameters: { unitName: unitNameParameter },
        parameterOrder: ['unitName'],
      },
      Get: {
        id: 'fleet.Unit.Get',
        description: 'Gets one unit.',
        httpMethod: 'GET',
        path: 'units/{unitName}',
        parameters: { unitName: unitNameParameter },
        parameterOrder: ['unitName'],
        response: ref('Unit'),
      },
      List: {
        id: 'fleet.Unit.List',
        description: 'Lists the units, sorted by name.',
        httpMethod: 'GET',
        path: 'units',
        parameters: { nextPageToken: pageTokenParameter },
        response: ref('UnitPage'),
      },
      Set: {
        id: 'fleet.Unit.Set',
        description: 'Creates a unit (with options), replaces one (with different options), or changes its desired state.',
        httpMethod: 'PUT',
        path: 'units/{unitName}',
        parameters: { unitName: unitNameParameter },
        parameterOrder: ['unitName'],
        request: ref('Unit'),
      },
    },
  },
};

const document = {
  kind: 'discovery#restDescription',
  discoveryVersion: 'v1',
  id: 'fleet:v1',
  name: 'fleet',
  version: 'v1',
  title: 'fleet API',
  description: 'Schedules systemd units across a cluster of machines.',
  documentationLink: 'https://github.com/coreos/fleet',
  protocol: 'rest',
  rootUrl: '$ENDPOINT/',
  servicePath: 'fleet/v1/',
  batchPath: 'batch',
  parameters: {
    alt: {
      type: 'string',
      description: 'Data format for the response.',
      default: 'json',
      enum: ['json'],
      enumDescriptions: ['Responses with Content-Type of application/json'],
      location: 'query',
    },
  },
  schemas,
  resources,
};

/** The document's text, as served. */
export const DISCOVERY_DOCUMENT = JSON.stringify(document, null, 2);
