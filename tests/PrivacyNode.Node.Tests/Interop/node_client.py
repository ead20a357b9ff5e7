"""A Python grpcio client acting as a paired peer: health-checks a node's peer endpoint over mutual TLS
and calls NodeService.Ping.

Usage: node_client.py HOST:PORT NODE_CERT CLIENT_CERT CLIENT_KEY EXPECTED_CALLER_NAME
Prints "PASS ..." lines; exits 1 on the first failure. Expects stubs generated from proto/ on PYTHONPATH.
"""
import importlib.util
import os
import sys

import grpc
from privacynode.v1 import node_pb2


def load_generated(relative):
    # The generated grpc/health/v1 package would be shadowed by grpcio's own "grpc" package: load it by path.
    for entry in sys.path:
        path = os.path.join(entry, relative)
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location(os.path.basename(relative)[:-3], path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise ImportError(relative)


health_pb2 = load_generated("grpc/health/v1/health_pb2.py")

address, node_cert, client_cert, client_key, expected_caller = sys.argv[1:6]
credentials = grpc.ssl_channel_credentials(
    root_certificates=open(node_cert, "rb").read(),
    private_key=open(client_key, "rb").read(),
    certificate_chain=open(client_cert, "rb").read(),
)
# The node's self-signed certificate names "localhost"; we dial an IP address.
channel = grpc.secure_channel(address, credentials, [("grpc.ssl_target_name_override", "localhost")])

check = channel.unary_unary(
    "/grpc.health.v1.Health/Check",
    request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
    response_deserializer=health_pb2.HealthCheckResponse.FromString,
)
health = check(health_pb2.HealthCheckRequest(service=""), timeout=10)
if health.status != health_pb2.HealthCheckResponse.SERVING:
    print(f"FAIL health: {health}")
    sys.exit(1)
print("PASS health SERVING")

node_health = check(health_pb2.HealthCheckRequest(service="privacynode.v1.NodeService"), timeout=10)
if node_health.status != health_pb2.HealthCheckResponse.SERVING:
    print(f"FAIL NodeService health: {node_health}")
    sys.exit(1)
print("PASS NodeService SERVING")

ping = channel.unary_unary(
    "/privacynode.v1.NodeService/Ping",
    request_serializer=node_pb2.PingRequest.SerializeToString,
    response_deserializer=node_pb2.PingResponse.FromString,
)
reply = ping(node_pb2.PingRequest(payload=b"from python"), timeout=10)
if reply.payload != b"from python" or reply.caller != expected_caller:
    print(f"FAIL ping: {reply}")
    sys.exit(1)
print(f"PASS ping from {reply.responder}, caller {reply.caller}")
