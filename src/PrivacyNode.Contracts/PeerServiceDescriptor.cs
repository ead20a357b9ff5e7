using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.PeerService</c>, on the local endpoint.</summary>
public static class PeerServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = PeerReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("PeerService");

    public static readonly Method<AddPeerRequest, AddPeerResponse> AddPeer = ProtobufMethod.Create<AddPeerRequest, AddPeerResponse>(Service, "AddPeer");

    public static readonly Method<ListPeersRequest, ListPeersResponse> ListPeers = ProtobufMethod.Create<ListPeersRequest, ListPeersResponse>(Service, "ListPeers");

    public static readonly Method<RemovePeerRequest, RemovePeerResponse> RemovePeer = ProtobufMethod.Create<RemovePeerRequest, RemovePeerResponse>(Service, "RemovePeer");

    public static readonly Method<CheckPeerRequest, CheckPeerResponse> CheckPeer = ProtobufMethod.Create<CheckPeerRequest, CheckPeerResponse>(Service, "CheckPeer");
}
