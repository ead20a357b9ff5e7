using Grpc.Core;
using Grpc.Health.V1;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Users;
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
        _analyst = (await _node.Users.AddUserAsync(new AddUserRequest { Name = "li.na", Role = Role.Analyst }, _node.As())).Token;
        _auditor = (await _node.Users.AddUserAsync(new AddUserRequest { Name = "wang.fang", Role = Role.Auditor }, _node.As())).Token;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Health_NeedsNoToken()
    {
        var response = await new Health.HealthClient(_node.Local).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Health_UnknownService_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new Health.HealthClient(_node.Local).CheckAsync(new HealthCheckRequest { Service = "nope.Service" }));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task Health_KnownService_IsServing()
    {
        var response = await new Health.HealthClient(_node.Local).CheckAsync(new HealthCheckRequest { Service = "privacynode.v1.PeerService" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task NoToken_IsUnauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new IdentityService.IdentityServiceClient(_node.Local).DescribeNodeAsync(new DescribeNodeRequest()));

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
        var options = new CallOptions(new Metadata { { "authorization", header } });

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new IdentityService.IdentityServiceClient(_node.Local).DescribeNodeAsync(new DescribeNodeRequest(), options));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task DescribeNode_ReportsTheCaller()
    {
        var response = await _node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), _node.As(_analyst));

        Assert.Equal("li.na", response.User);
        Assert.Equal(Role.Analyst, response.Role);
        Assert.Equal("insurer", response.Node.Name);
    }

    /// <summary>The role matrix of the local endpoint, as designed; <see cref="RoleMatrix_IsTheNodes"/> holds the node to it.</summary>
    private static readonly Dictionary<string, Role[]> Matrix = new()
    {
        ["/grpc.health.v1.Health/Check"] = [],
        ["/grpc.health.v1.Health/Watch"] = [],
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = [],
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = [],
        ["/privacynode.v1.IdentityService/DescribeNode"] = [Role.Admin, Role.Analyst, Role.Auditor],
        ["/privacynode.v1.IdentityService/GetInvitation"] = [Role.Admin],
        ["/privacynode.v1.IdentityService/RotateCertificate"] = [Role.Admin],
        ["/privacynode.v1.PeerService/AddPeer"] = [Role.Admin],
        ["/privacynode.v1.PeerService/RemovePeer"] = [Role.Admin],
        ["/privacynode.v1.PeerService/ListPeers"] = [Role.Admin, Role.Analyst, Role.Auditor],
        ["/privacynode.v1.PeerService/CheckPeer"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.UserService/AddUser"] = [Role.Admin],
        ["/privacynode.v1.UserService/ListUsers"] = [Role.Admin],
        ["/privacynode.v1.UserService/RemoveUser"] = [Role.Admin],
        ["/privacynode.v1.CatalogService/AddDataset"] = [Role.Admin],
        ["/privacynode.v1.CatalogService/RemoveDataset"] = [Role.Admin],
        ["/privacynode.v1.CatalogService/ListDatasets"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.CatalogService/GetDataset"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.AccessService/FileRequest"] = [Role.Analyst],
        ["/privacynode.v1.AccessService/ListRequests"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.AccessService/ApproveRequest"] = [Role.Admin],
        ["/privacynode.v1.AccessService/RefuseRequest"] = [Role.Admin],
        ["/privacynode.v1.AccessService/ListGrants"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.AccessService/RevokeGrant"] = [Role.Admin],
        ["/privacynode.v1.JobService/SubmitJob"] = [Role.Analyst],
        ["/privacynode.v1.JobService/GetJob"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.JobService/ListJobs"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.JobService/WatchJob"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.JobService/CancelJob"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.JobService/GetJobResult"] = [Role.Analyst],
        ["/privacynode.v1.JobService/DisposeResult"] = [Role.Admin, Role.Analyst],
        ["/privacynode.v1.AuditService/ExportAudit"] = [Role.Auditor],
    };

    private static readonly Role[] AllRoles = [Role.Admin, Role.Analyst, Role.Auditor];

    /// <summary>Every (method, role) pair the matrix forbids.</summary>
    public static TheoryData<string, Role> Boundaries
    {
        get
        {
            var data = new TheoryData<string, Role>();
            foreach (var (path, roles) in Matrix.Where(m => m.Value.Length > 0))
            {
                foreach (var role in AllRoles.Except(roles))
                {
                    data.Add(path, role);
                }
            }

            return data;
        }
    }

    /// <summary>Every method that needs a token.</summary>
    public static TheoryData<string> Protected => new(Matrix.Where(m => m.Value.Length > 0).Select(m => m.Key));

    [Fact]
    public void RoleMatrix_IsTheNodes()
    {
        Assert.Equal(Matrix.Keys.Order(), _node.Host.LocalRules.Keys.Order());
        Assert.All(Matrix, m => Assert.Equal(m.Value.Order(), _node.Host.LocalRules[m.Key].Order()));
    }

    [Fact]
    public void Auditor_ReadsTheAuditLogAndNothingElse()
    {
        var auditorMay = Matrix.Where(m => m.Value.Contains(Role.Auditor)).Select(m => m.Key.Split('/')[2]).Order();

        Assert.Equal(["DescribeNode", "ExportAudit", "ListPeers"], auditorMay);
    }

    [Theory]
    [MemberData(nameof(Boundaries))]
    public async Task RoleBoundary_IsPermissionDeniedAndAudited(string path, Role role)
    {
        var user = "u-" + Roles.ToText(role);
        var token = (await _node.Users.AddUserAsync(new AddUserRequest { Name = user, Role = role }, _node.As())).Token;

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await CallByPathAsync(path, _node.As(token)));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains("needs role", ex.Status.Detail, StringComparison.Ordinal);
        var record = Assert.Single(await RefusalsAsync(), r => r.Actor == user);
        Assert.Equal(("deny", "permission-denied", Roles.ToText(role), path), (record.Outcome, record.ReasonCode, record.ActorRole, Detail(record, "method")));
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task NoToken_IsUnauthenticatedAndAudited(string path)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await CallByPathAsync(path, default));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        var record = Assert.Single(await RefusalsAsync());
        Assert.Equal(("anonymous", "deny", "unauthenticated", path), (record.Actor, record.Outcome, record.ReasonCode, Detail(record, "method")));
    }

    [Fact]
    public async Task FailedCatalogLoad_IsRefusedAuditedAndNotRegistered()
    {
        var csv = Path.Combine(_node.DataDirectory, "ragged.csv");
        await File.WriteAllTextAsync(csv, "id,name\n1,a\n2\n");
        var request = new AddDatasetRequest
        {
            Name = "ragged", Grade = "L2", Sharing = Sharing.Conditional, OwnerUnit = "unit", ResponsiblePerson = "person",
            Source = new DatasetSource { Csv = new CsvSource { Path = csv } },
        };
        request.KeyColumns.Add(new KeyColumn { Column = "id", KeyType = "text" });

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _node.Catalog.AddDatasetAsync(request, _node.As()));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("line 3", ex.Status.Detail, StringComparison.Ordinal);
        var record = Assert.Single(await RefusalsAsync());
        Assert.Equal(("admin", "error", "invalid-argument", ex.Status.Detail), (record.Actor, record.Outcome, record.ReasonCode, Detail(record, "message")));
        Assert.Empty((await _node.Catalog.ListDatasetsAsync(new ListDatasetsRequest(), _node.As())).Datasets);
    }

    [Fact]
    public async Task AnalystAndAuditor_MayListPeers()
    {
        await _node.Peers.ListPeersAsync(new ListPeersRequest(), _node.As(_analyst));
        await _node.Peers.ListPeersAsync(new ListPeersRequest(), _node.As(_auditor));
    }

    [Fact]
    public async Task RemoveUser_TokenStopsWorkingAtOnce()
    {
        var token = (await _node.Users.AddUserAsync(new AddUserRequest { Name = "temp", Role = Role.Analyst }, _node.As())).Token;
        await _node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), _node.As(token));

        await _node.Users.RemoveUserAsync(new RemoveUserRequest { Name = "temp" }, _node.As());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), _node.As(token)));

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task RemoveUser_LastAdmin_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _node.Users.RemoveUserAsync(new RemoveUserRequest { Name = "admin" }, _node.As()));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
    }

    [Fact]
    public async Task RemoveUser_Unknown_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _node.Users.RemoveUserAsync(new RemoveUserRequest { Name = "ghost" }, _node.As()));

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
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _node.Users.AddUserAsync(new AddUserRequest { Name = name, Role = role }, _node.As()));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task ListUsers_ShowsNoTokens()
    {
        var response = await _node.Users.ListUsersAsync(new ListUsersRequest(), _node.As());

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

    [Fact]
    public async Task CallsBeyondAUsersPace_WaitTheirTurn_WithoutDelayingAnotherUser()
    {
        // The default pace is 100 calls a second with a burst of as many: 300 calls at once need at least two seconds.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var burst = Task.WhenAll(Enumerable.Range(0, 300).Select(_ => _node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), _node.As()).ResponseAsync));
        await _node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), _node.As(_analyst));

        Assert.False(burst.IsCompleted, "the analyst's call waited for the admin's burst");
        Assert.Equal(300, (await burst).Length);
        Assert.True(started.Elapsed > TimeSpan.FromSeconds(1.5), $"300 calls took {started.Elapsed}");
    }

    /// <summary>Calls <paramref name="path"/> with an empty request; any method kind, as the refusal comes before the request is read.</summary>
    private Task<byte[]> CallByPathAsync(string path, CallOptions options)
    {
        var parts = path.Split('/');
        var raw = new Marshaller<byte[]>(b => b, b => b);
        return _node.Local.CreateCallInvoker().AsyncUnaryCall(new Method<byte[], byte[]>(MethodType.Unary, parts[1], parts[2], raw, raw), null, options, []).ResponseAsync;
    }

    private async Task<List<AuditRecord>> RefusalsAsync()
    {
        using var call = new AuditService.AuditServiceClient(_node.Local).ExportAudit(new ExportAuditRequest(), _node.As(_auditor));
        var records = new List<AuditRecord>();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            records.AddRange(message.Records.Where(r => r.Action == "call.refused"));
        }

        return records;
    }

    private static string Detail(AuditRecord record, string key) => record.Details.Single(d => d.Key == key).Value;
}
