using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Services;

/// <summary>PeerService on the local endpoint: pair, list, unpair and check other agencies' nodes.</summary>
public sealed class PeerRpcService(NodeSelf self, PeerStore peers, PeerPins pins, PeerChannels channels, TimeProvider clock) : PeerService.PeerServiceBase
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    internal static Peer ToProto(PeerRecord record) => new()
    {
        Name = record.Name,
        Address = record.Address,
        CertificateFingerprint = Fingerprint.Format(record.Fingerprint),
        AddedAt = Timestamp.FromDateTimeOffset(record.AddedAt),
        AddedBy = record.AddedBy,
        RotatedAt = record.RotatedAt is { } rotated ? Timestamp.FromDateTimeOffset(rotated) : null,
    };

    [Allow(Role.Admin)]
    public override async Task<AddPeerResponse> AddPeer(AddPeerRequest request, ServerCallContext context)
    {
        Invitation invitation;
        try
        {
            invitation = Invitation.Parse(request.Invitation);
        }
        catch (FormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }

        if (invitation.Name == self.Name || CertificateFingerprint.Matches(self.Identity.Certificate, invitation.Fingerprint))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "That is this node's own invitation; add the invitation of the other agency's node."));
        }

        var (outcome, peer) = await peers.AddAsync(invitation, context.GetLocalCaller().Actor, request.Replace, context.CancellationToken);
        switch (outcome)
        {
            case AddPeerOutcome.NameTaken:
                throw new RpcException(new Status(StatusCode.AlreadyExists,
                    $"A peer named '{invitation.Name}' is already paired ({Fingerprint.Format(peer!.Fingerprint)} at {peer.Address}). To pair it again after it changed certificate or address, add with --replace."));
            case AddPeerOutcome.CertificateTaken:
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"This certificate is already pinned for peer '{peer!.Name}'."));
        }

        await pins.RefreshAsync(context.CancellationToken);
        return new AddPeerResponse { Peer = ToProto(peer!) };
    }

    [Allow(Role.Admin, Role.Analyst, Role.Auditor)]
    public override async Task<ListPeersResponse> ListPeers(ListPeersRequest request, ServerCallContext context)
    {
        var response = new ListPeersResponse();
        response.Peers.AddRange((await peers.ListAsync(context.CancellationToken)).Select(ToProto));
        return response;
    }

    [Allow(Role.Admin)]
    public override async Task<RemovePeerResponse> RemovePeer(RemovePeerRequest request, ServerCallContext context)
    {
        if (!await peers.RemoveAsync(request.Name, context.GetLocalCaller().Actor, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No peer named '{request.Name}' is paired."));
        }

        await pins.RefreshAsync(context.CancellationToken);
        return new RemovePeerResponse();
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<CheckPeerResponse> CheckPeer(CheckPeerRequest request, ServerCallContext context)
    {
        var peer = await peers.GetAsync(request.Name, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No peer named '{request.Name}' is paired."));
        var response = new CheckPeerResponse { Name = peer.Name };
        byte[]? seen = null;
        using var probe = channels.CreateProbe(peer, fingerprint => seen = fingerprint);
        var ping = new PingRequest { Payload = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)) };
        try
        {
            var first = await new NodeService.NodeServiceClient(probe).PingAsync(ping, PeerClient.Options(CheckTimeout, context.CancellationToken));
            var roundTrips = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                await new NodeService.NodeServiceClient(probe).PingAsync(ping, PeerClient.Options(CheckTimeout, context.CancellationToken));
                roundTrips.Add(stopwatch.Elapsed.TotalMilliseconds);
            }

            roundTrips.Sort();
            response.Reachable = true;
            response.ServerCertificatePinned = true;
            response.ClientCertificateAccepted = true;
            response.RoundTripMs = roundTrips[1];
            response.RemoteName = first.Responder;
            response.KnownAs = first.Caller;
        }
        catch (RpcException ex)
        {
            var observed = seen;
            response.ServerCertificatePinned = observed is not null && peer.Accepts(observed, clock.GetUtcNow());
            response.Error = Explain(peer, observed, response.ServerCertificatePinned, ex);
        }

        return response;
    }

    private string Explain(PeerRecord peer, byte[]? observed, bool serverPinned, RpcException failure)
    {
        if (observed is null)
        {
            return $"Could not reach {peer.Address}: {failure.Status.Detail}";
        }

        if (!serverPinned)
        {
            return $"{peer.Address} presented certificate {Fingerprint.Format(observed)}, but {Fingerprint.Format(peer.Fingerprint)} is pinned for '{peer.Name}'. " +
                "If the peer changed its certificate, pair again with its new invitation (privacynode peer add --replace).";
        }

        return failure.StatusCode is StatusCode.Unavailable or StatusCode.PermissionDenied
            ? $"'{peer.Name}' refused this node's certificate. Ask its operator to pair with this node: privacynode peer add '{self.ToInvitation()}'"
            : $"{failure.StatusCode}: {failure.Status.Detail}";
    }
}
