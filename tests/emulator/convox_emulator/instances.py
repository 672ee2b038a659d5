# Copyright (c) 2026 convox.convox contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rack's instances (nodes) and its SSH key (convox-api.md 2.8, 3; transcript row 66).

v3 (provider/k8s instance.go, aws overlay instance.go): one node ``node-1`` of 2 CPUs and 4096 MiB
(the capacity semantics.py reports), status ``running`` when Ready and ``pending`` before; ``cpu``
and ``memory`` are usage in cores and MiB (here: the requests of the processes on the node, as the
emulator's processes show requests), ``processes`` the pods on it. Terminating a node cordons,
drains and deletes it (an unknown id: 404 ``instance not found: <id>``); the autoscaler's
replacement joins at once as ``pending`` and is Ready after the deploy time. Keyroll is the aws
overlay's EC2 CreateKeyPair: ``{"name": "<rack>-keypair-<unix time>", "private-key": <PEM>}``; two
in the same second collide like EC2 does (500 ``InvalidKeyPair.Duplicate``).

v2 (convox/rack provider/aws instances.go): ``count`` EC2 instances of the rack (System.count), ECS
container instances ``active`` with ``agent`` true, ``cpu``/``memory`` the fraction of their ECS
resources in use; terminating one asks the autoscaling group to replace it; keyroll answers ``ok``,
stores the key and updates the rack stack (``updating`` for the deploy time).

Processes keep the node name semantics.py gives them (workloads.WorkloadRules.instance): after a
node is terminated they still name it (README, known gaps).
"""

import dataclasses
import secrets
import uuid

from . import golang, pem
from .errors import NotFound, ServerError

EXTENSION_KEY = 'instances'
_NANOS = 1000000000
V3_NODE_CPU = 2.0
V3_NODE_MEMORY_MIB = 4096.0
V2_INSTANCE_CPU_UNITS = 2048
V2_INSTANCE_MEMORY_MB = 2048

INSTANCE_FIELDS_V3 = ('agent', 'cpu', 'cpu-capacity', 'cpu-allocatable', 'gpu-capacity', 'gpu-allocatable', 'id', 'memory',
                      'memory-capacity', 'memory-allocatable', 'private-ip', 'processes', 'public-ip', 'status', 'started')
INSTANCE_FIELDS_V2 = ('agent', 'cpu', 'id', 'memory', 'private-ip', 'processes', 'public-ip', 'status', 'started')


@dataclasses.dataclass
class Node:
    id: str
    private_ip: str
    public_ip: str
    started_ns: int
    ready_ns: int


class Instances:
    """The nodes of one rack; ``v2`` switches to ECS container instances."""

    def __init__(self, state):
        self.v2 = state.semantics.major == 2
        self.nodes = []
        self.key_names = set()
        self.serial = 0
        first = state.semantics.workloads.instance
        self._add(state, first, state.clock() - 3600 * _NANOS, ready=True)
        self._reconcile(state, ready=True)

    def _add(self, state, node_id, started_ns, ready):
        self.serial += 1
        if self.v2:
            private, public = '10.0.1.%d' % (10 + self.serial), '54.144.0.%d' % (10 + self.serial)
        else:
            private, public = '10.0.0.%d' % self.serial, ''
        ready_ns = started_ns if ready else state.clock() + state.deploy_ns
        self.nodes.append(Node(node_id, private, public, started_ns, ready_ns))

    def _new_id(self):
        taken = {node.id for node in self.nodes}
        while True:
            candidate = 'i-0%s' % secrets.token_hex(8) if self.v2 else 'node-%d' % (self.serial + 1)
            if candidate not in taken:
                return candidate

    def _reconcile(self, state, ready=False):
        """v2: the autoscaling group keeps ``count`` instances (new ones boot for the deploy time)."""
        if not self.v2:
            return
        count = state.system.count
        while len(self.nodes) < count:
            self._add(state, self._new_id(), state.clock() - (3600 * _NANOS if ready else 0), ready=ready)
        del self.nodes[max(count, 0):]

    # ------------------------------------------------------------ API

    def list(self, state):
        with state.lock:
            state.settle()
            self._reconcile(state)
            processes = state.process_list()
            now = state.clock()
            return [self._json(state, node, [process for process in processes if process.instance == node.id], now)
                    for node in sorted(self.nodes, key=lambda node: node.id)]

    def _json(self, state, node, processes, now):
        ready = now >= node.ready_ns
        if self.v2:
            values = {
                'agent': True,
                'cpu': sum(process.cpu for process in processes) / float(V2_INSTANCE_CPU_UNITS),
                'memory': sum(process.memory for process in processes) / float(V2_INSTANCE_MEMORY_MB),
                'status': 'active' if ready else 'pending',
            }
        else:
            values = {
                'agent': False,
                # toCpuCore(millicores) and toMemMB(bytes): the processes' requests stand in for metrics-server usage.
                'cpu': sum(process.cpu for process in processes) / 1000.0,
                'cpu-capacity': V3_NODE_CPU, 'cpu-allocatable': V3_NODE_CPU, 'gpu-capacity': 0, 'gpu-allocatable': 0,
                'memory': float(sum(process.memory for process in processes)),
                'memory-capacity': V3_NODE_MEMORY_MIB, 'memory-allocatable': V3_NODE_MEMORY_MIB,
                'status': 'running' if ready else 'pending',
            }
        values.update({'id': node.id, 'private-ip': node.private_ip, 'processes': len(processes), 'public-ip': node.public_ip,
                       'started': golang.format_time(node.started_ns)})
        fields = INSTANCE_FIELDS_V2 if self.v2 else INSTANCE_FIELDS_V3
        return {field: values[field] for field in fields}

    def terminate(self, state, node_id):
        with state.lock:
            state.settle()
            self._reconcile(state)
            node = next((node for node in self.nodes if node.id == node_id), None)
            if node is None:
                raise NotFound('instance not found: %s' % node_id)
            self.nodes.remove(node)
            # The autoscaler (v3: Karpenter or the node group, v2: the ASG without decrementing) replaces it.
            self._add(state, self._new_id(), state.clock(), ready=False)

    def keyroll(self, state):
        """v3: the new key pair; v2: ``None`` (the API answers ok) after the rack stack update starts."""
        with state.lock:
            if self.v2:
                name = '%s-keypair-%d' % (state.semantics.rack_name, 1000 + secrets.randbelow(8999))
                self.key_names.add(name)
                state.system_update(parameters={'Key': name})
                return None
            name = '%s-keypair-%d' % (state.semantics.rack_name, state.clock() // _NANOS)
            if name in self.key_names:
                raise ServerError("InvalidKeyPair.Duplicate: The keypair '%s' already exists.\n\tstatus code: 400, request id: %s"
                                  % (name, uuid.uuid4()))
            self.key_names.add(name)
        # EC2 CreateKeyPair's KeyMaterial: a PKCS#1 PEM without a trailing newline.
        return {'name': name, 'private-key': pem.rsa_private_key_pem().rstrip('\n')}


def instances_of(state):
    with state.lock:
        model = state.extensions.get(EXTENSION_KEY)
        if model is None:
            model = state.extensions[EXTENSION_KEY] = Instances(state)
        return model
