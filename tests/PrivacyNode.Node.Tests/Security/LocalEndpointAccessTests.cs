using Grpc.Health.V1;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Security;

/// <summary>Bearer tokens and roles on the local endpoint, and what each management call refuses.</summary>
public sealed class LocalEndpointAccessTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private string _analyst = null!;
    private string _auditor = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("insurer");
        _analyst = (await _node.CallAsync(UserServiceDescriptor.AddUser, new AddUserRequest { Name = "li.na", Role = Role.Analyst })).Token;
        _auditor = (await _node.CallAsync(UserServiceDescriptor.AddUser, new AddUserRequest { Name = "wang.fang", Role = Role.Auditor })).Token;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Health_NeedsNoToken()
    {
        var response = await _node.Local.UnaryAsync(HealthServiceDescriptor.Check, new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_UnknownService_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.Local.UnaryAsync(HealthServiceDescriptor.Check, new HealthCheckRequest { Service = "nope.Service" }));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Health_KnownService_IsServing()
    {
        var response = await _node.Local.UnaryAsync(HealthServiceDescriptor.Check, new HealthCheckRequest { Service = "privacynode.v1.PeerService" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task NoToken_IsUnauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.Local.UnaryAsync(IdentityServiceDescriptor.DescribeNode, new DescribeNodeRequest()));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Contains("PRIVACYNODE_TOKEN", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer pn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task BadToken_IsUnauthenticated(string header)
    {
        var options = new CallOptions(new Metadata().Add("authorization", header));

        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.Local.UnaryAsync(IdentityServiceDescriptor.DescribeNode, new DescribeNodeRequest(), options));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task DescribeNode_ReportsTheCaller()
    {
        var response = await _node.CallAsync(IdentityServiceDescriptor.DescribeNode, new DescribeNodeRequest(), _analyst);

        Assert.Equal("li.na", response.User);
        Assert.Equal(Role.Analyst, response.Role);
        Assert.Equal("insurer", response.Node.Name);
    }

    public static TheoryData<string, string> Denied => new()
    {
        { "analyst", "/privacynode.v1.UserService/AddUser" },
        { "analyst", "/privacynode.v1.UserService/ListUsers" },
        { "analyst", "/privacynode.v1.PeerService/AddPeer" },
        { "analyst", "/privacynode.v1.PeerService/RemovePeer" },
        { "analyst", "/privacynode.v1.IdentityService/GetInvitation" },
        { "analyst", "/privacynode.v1.IdentityService/RotateCertificate" },
        { "auditor", "/privacynode.v1.UserService/AddUser" },
        { "auditor", "/privacynode.v1.PeerService/AddPeer" },
        { "auditor", "/privacynode.v1.PeerService/CheckPeer" },
        { "auditor", "/privacynode.v1.IdentityService/GetInvitation" },
    };

    [Theory]
    [MemberData(nameof(Denied))]
    public async Task RoleBoundary_IsPermissionDenied(string role, string path)
    {
        var token = role == "analyst" ? _analyst : _auditor;

        var ex = await Assert.ThrowsAsync<RpcException>(() => CallByPathAsync(path, token));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("needs role", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalystAndAuditor_MayListPeers()
    {
        await _node.CallAsync(PeerServiceDescriptor.ListPeers, new ListPeersRequest(), _analyst);
        await _node.CallAsync(PeerServiceDescriptor.ListPeers, new ListPeersRequest(), _auditor);
    }

    [Fact]
    public async Task RemoveUser_TokenStopsWorkingAtOnce()
    {
        var token = (await _node.CallAsync(UserServiceDescriptor.AddUser, new AddUserRequest { Name = "temp", Role = Role.Analyst })).Token;
        await _node.CallAsync(IdentityServiceDescriptor.DescribeNode, new DescribeNodeRequest(), token);

        await _node.CallAsync(UserServiceDescriptor.RemoveUser, new RemoveUserRequest { Name = "temp" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.CallAsync(IdentityServiceDescriptor.DescribeNode, new DescribeNodeRequest(), token));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task RemoveUser_LastAdmin_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.CallAsync(UserServiceDescriptor.RemoveUser, new RemoveUserRequest { Name = "admin" }));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
    }

    [Fact]
    public async Task RemoveUser_Unknown_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.CallAsync(UserServiceDescriptor.RemoveUser, new RemoveUserRequest { Name = "ghost" }));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Theory]
    [InlineData("li.na", Role.Analyst, StatusCode.AlreadyExists)]
    [InlineData("Zhang Wei", Role.Analyst, StatusCode.InvalidArgument)]
    [InlineData("", Role.Analyst, StatusCode.InvalidArgument)]
    [InlineData("someone", Role.Unspecified, StatusCode.InvalidArgument)]
    [InlineData("someone", (Role)42, StatusCode.InvalidArgument)]
    public async Task AddUser_Invalid_IsRefused(string name, Role role, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _node.CallAsync(UserServiceDescriptor.AddUser, new AddUserRequest { Name = name, Role = role }));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task ListUsers_ShowsNoTokens()
    {
        var response = await _node.CallAsync(UserServiceDescriptor.ListUsers, new ListUsersRequest());

        Assert.Equal(["admin", "li.na", "wang.fang"], response.Users.Select(u => u.Name).Order());
        Assert.DoesNotContain("pn_", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensAreStoredHashed()
    {
        var database = await File.ReadAllBytesAsync(Path.Combine(_node.DataDirectory, "node.db"));
        var text = System.Text.Encoding.ASCII.GetString(database);

        Assert.DoesNotContain(_node.AdminToken[3..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(_analyst[3..], text, StringComparison.Ordinal);
    }

    private Task CallByPathAsync(string path, string token) => path.Split('/')[2] switch
    {
        "AddUser" => _node.CallAsync(UserServiceDescriptor.AddUser, new AddUserRequest { Name = "x", Role = Role.Admin }, token),
        "ListUsers" => _node.CallAsync(UserServiceDescriptor.ListUsers, new ListUsersRequest(), token),
        "AddPeer" => _node.CallAsync(PeerServiceDescriptor.AddPeer, new AddPeerRequest { Invitation = "x" }, token),
        "RemovePeer" => _node.CallAsync(PeerServiceDescriptor.RemovePeer, new RemovePeerRequest { Name = "x" }, token),
        "CheckPeer" => _node.CallAsync(PeerServiceDescriptor.CheckPeer, new CheckPeerRequest { Name = "x" }, token),
        "GetInvitation" => _node.CallAsync(IdentityServiceDescriptor.GetInvitation, new GetInvitationRequest(), token),
        "RotateCertificate" => _node.CallAsync(IdentityServiceDescriptor.RotateCertificate, new RotateCertificateRequest(), token),
        _ => throw new ArgumentException(path),
    };
}
