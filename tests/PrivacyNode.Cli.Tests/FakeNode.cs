using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Testing;

namespace PrivacyNode.Cli.Tests;

/// <summary>A scripted local endpoint: answers what the CLI asks with fixed replies or the failure it is told to give.</summary>
public sealed class FakeNode : IAsyncLifetime
{
    private KestrelTestServer _server = null!;

    public Uri Address => _server.Address;

    /// <summary>The authorization header of the last call.</summary>
    public string? LastAuthorization { get; private set; }

    /// <summary>When set, every call fails with this.</summary>
    public RpcException? Failure { get; set; }

    public CheckPeerResponse CheckResult { get; set; } = new() { Name = "bureau", Reachable = true, RoundTripMs = 0.42, RemoteName = "bureau", KnownAs = "insurer" };

    public async Task InitializeAsync()
    {
        _server = await KestrelTestServer.StartAsync(
            services => services.AddSingleton(new Peers(this)).AddSingleton(new Identity(this)).AddSingleton(new Users(this)),
            endpoints =>
            {
                endpoints.MapGrpcService<Peers>();
                endpoints.MapGrpcService<Identity>();
                endpoints.MapGrpcService<Users>();
            });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<T> Answer<T>(ServerCallContext context, T response)
    {
        LastAuthorization = context.RequestHeaders.GetValue("authorization");
        return Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(response);
    }

    private sealed class Peers(FakeNode node) : PeerService.PeerServiceBase
    {
        public override Task<ListPeersResponse> ListPeers(ListPeersRequest request, ServerCallContext context) => node.Answer(context, new ListPeersResponse
        {
            Peers =
            {
                new Peer { Name = "bureau", Address = "10.0.0.2:7443", CertificateFingerprint = "sha256:" + new string('a', 64), AddedAt = Timestamp.FromDateTime(DateTime.UtcNow), AddedBy = "admin" },
            },
        });

        public override Task<CheckPeerResponse> CheckPeer(CheckPeerRequest request, ServerCallContext context) => node.Answer(context, node.CheckResult);

        public override Task<AddPeerResponse> AddPeer(AddPeerRequest request, ServerCallContext context) =>
            node.Answer(context, new AddPeerResponse { Peer = new Peer { Name = "bureau", Address = "10.0.0.2:7443" } });
    }

    private sealed class Identity(FakeNode node) : IdentityService.IdentityServiceBase
    {
        public override Task<GetInvitationResponse> GetInvitation(GetInvitationRequest request, ServerCallContext context) =>
            node.Answer(context, new GetInvitationResponse { Invitation = "privacynode://insurer@10.0.0.1:7443?fp=sha256:" + new string('b', 64) });
    }

    private sealed class Users(FakeNode node) : UserService.UserServiceBase
    {
        public override Task<AddUserResponse> AddUser(AddUserRequest request, ServerCallContext context) =>
            node.Answer(context, new AddUserResponse { User = new User { Name = request.Name, Role = request.Role }, Token = "pn_" + new string('t', 43) });
    }
}
