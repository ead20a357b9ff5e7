using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Identity;
using PrivacyNode.PinnedTls;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Security;

/// <summary>Pairing, the pinned peer endpoint, peer checks and certificate rotation between real nodes.</summary>
public sealed class PeerEndpointTests : IAsyncLifetime
{
    private TestNode _insurer = null!;
    private TestNode _bureau = null!;

    public async Task InitializeAsync()
    {
        var root = Directory.CreateTempSubdirectory("pn-peers-").FullName;
        _insurer = await TestNode.StartAsync("insurer", root);
        _bureau = await TestNode.StartAsync("bureau", root);
    }

    public async Task DisposeAsync()
    {
        await _insurer.DisposeAsync();
        await _bureau.DisposeAsync();
    }

    [Fact]
    public async Task PairedBothWays_CheckSucceedsBothWays()
    {
        await PairAsync(_insurer, _bureau);
        await PairAsync(_bureau, _insurer);

        var fromInsurer = await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As());
        var fromBureau = await _bureau.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "insurer" }, _bureau.As());

        Assert.True(fromInsurer.Reachable, fromInsurer.Error);
        Assert.True(fromInsurer.ClientCertificateAccepted);
        Assert.Equal("bureau", fromInsurer.RemoteName);
        Assert.Equal("insurer", fromInsurer.KnownAs);
        Assert.True(fromInsurer.RoundTripMs > 0);
        Assert.True(fromBureau.Reachable, fromBureau.Error);
        Assert.Equal("bureau", fromBureau.KnownAs);
    }

    [Fact]
    public async Task PairedOneWay_CheckSaysThePeerRefusedUs()
    {
        await PairAsync(_insurer, _bureau);

        var response = await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As());

        Assert.False(response.Reachable);
        Assert.True(response.ServerCertificatePinned);
        Assert.False(response.ClientCertificateAccepted);
        Assert.Contains("refused this node's certificate", response.Error, StringComparison.Ordinal);
        Assert.Contains("privacynode://insurer@", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPin_CheckSaysWhichCertificateWasPresented()
    {
        var real = Invitation.Parse(await InvitationOfAsync(_bureau));
        var forged = real with { Fingerprint = SHA256.HashData([9, 9, 9]) };
        await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = forged.ToString() }, _insurer.As());

        var response = await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As());

        Assert.False(response.Reachable);
        Assert.False(response.ServerCertificatePinned);
        Assert.Contains("presented certificate " + Fingerprint.Format(real.Fingerprint), response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_CheckSaysSo()
    {
        var invitation = Invitation.Parse(await InvitationOfAsync(_bureau)) with { Port = 1 };
        await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = invitation.ToString() }, _insurer.As());

        var response = await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As());

        Assert.False(response.Reachable);
        Assert.Contains("Could not reach", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPeer_OwnInvitation_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await PairAsync(_insurer, _insurer));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task AddPeer_Garbage_IsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = "privacynode://bureau@host" }, _insurer.As()));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task AddPeer_DuplicateName_NeedsReplace()
    {
        await PairAsync(_insurer, _bureau);
        var moved = Invitation.Parse(await InvitationOfAsync(_bureau)) with { Host = "10.9.9.9" };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = moved.ToString() }, _insurer.As()));
        var replaced = await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = moved.ToString(), Replace = true }, _insurer.As());

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        Assert.Contains("--replace", ex.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("10.9.9.9:", replaced.Peer.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPeer_SameCertificateUnderAnotherName_IsRefused()
    {
        await PairAsync(_insurer, _bureau);
        var alias = Invitation.Parse(await InvitationOfAsync(_bureau)) with { Name = "bureau-2" };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = alias.ToString() }, _insurer.As()));

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
    }

    [Fact]
    public async Task RemovePeer_Unknown_IsNotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _insurer.Peers.RemovePeerAsync(new RemovePeerRequest { Name = "ghost" }, _insurer.As()));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task PeerEndpoint_UnpinnedCertificate_FailsTheHandshake()
    {
        using var stranger = SelfSignedCertificate.Create("stranger", ["localhost"], [], TimeSpan.FromDays(1));
        using var channel = PeerChannelTo(_insurer, stranger);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).PingAsync(new PingRequest()));

        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.ToString());
    }

    [Fact]
    public async Task PeerEndpoint_RemovedPeer_IsRefusedEvenOnAnOpenConnection()
    {
        await PairAsync(_insurer, _bureau);
        using var channel = PeerChannelTo(_insurer, _bureau.Host.Self.Identity.Certificate);
        var ping = await new NodeService.NodeServiceClient(channel).PingAsync(new PingRequest());
        Assert.Equal("bureau", ping.Caller);

        await _insurer.Peers.RemovePeerAsync(new RemovePeerRequest { Name = "bureau" }, _insurer.As());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).PingAsync(new PingRequest()));

        Assert.Contains(ex.StatusCode, new[] { StatusCode.PermissionDenied, StatusCode.Unavailable });
        if (ex.StatusCode == StatusCode.PermissionDenied)
        {
            var refused = Assert.Single(await _insurer.AuditRecordsAsync(), r => r.Action == "peer.call-refused");
            Assert.Equal(("deny", "/privacynode.v1.NodeService/Ping"), (refused.Outcome, refused.Details.Single(d => d.Key == "method").Value));
        }
    }

    [Fact]
    public async Task PeerEndpoint_ServesNeitherLocalServicesNorReflection()
    {
        await PairAsync(_insurer, _bureau);
        using var channel = PeerChannelTo(_insurer, _bureau.Host.Self.Identity.Certificate);

        var local = await Assert.ThrowsAsync<RpcException>(async () => await new UserService.UserServiceClient(channel).ListUsersAsync(new ListUsersRequest()));
        using var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        // The server ends an unmapped call without reading its body, so the status is read before anything is written
        // (a write racing that end can fail as Cancelled instead).
        var listing = await Assert.ThrowsAsync<RpcException>(async () => await reflection.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, local.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, listing.StatusCode);
    }

    [Fact]
    public async Task PeerEndpoint_Health_IsServingForThePeerServicesOnly()
    {
        await PairAsync(_insurer, _bureau);
        using var channel = PeerChannelTo(_insurer, _bureau.Host.Self.Identity.Certificate);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);

        var node = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "privacynode.v1.PeerJobService" });
        var local = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "privacynode.v1.UserService" }));

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, node.Status);
        Assert.Equal(StatusCode.NotFound, local.StatusCode);
    }

    [Fact]
    public async Task PeerEndpoint_OversizedPing_IsInvalidArgument()
    {
        await PairAsync(_insurer, _bureau);
        using var channel = PeerChannelTo(_insurer, _bureau.Host.Self.Identity.Certificate);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).PingAsync(new PingRequest { Payload = ByteString.CopyFrom(new byte[2000]) }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task RotateCertificate_PeersFollowWithoutRepairing()
    {
        await PairAsync(_insurer, _bureau);
        await PairAsync(_bureau, _insurer);
        var before = _insurer.Host.Self.Identity.Fingerprint;

        var rotated = await _insurer.Identity.RotateCertificateAsync(new RotateCertificateRequest(), _insurer.As());

        Assert.Equal(before, rotated.PreviousFingerprint);
        Assert.NotEqual(before, rotated.NewFingerprint);
        Assert.Equal(rotated.NewFingerprint, _insurer.Host.Self.Identity.Fingerprint);
        var result = Assert.Single(rotated.Peers);
        Assert.True(result.Accepted, result.Error);
        var pinned = (await _bureau.Peers.ListPeersAsync(new ListPeersRequest(), _bureau.As())).Peers.Single();
        Assert.Equal(rotated.NewFingerprint, pinned.CertificateFingerprint);
        Assert.NotNull(pinned.RotatedAt);
        Assert.True((await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As())).Reachable);
        Assert.True((await _bureau.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "insurer" }, _bureau.As())).Reachable);
    }

    [Fact]
    public async Task RotateCertificate_SurvivesRestart()
    {
        var rotated = await _insurer.Identity.RotateCertificateAsync(new RotateCertificateRequest(), _insurer.As());

        await _insurer.RestartAsync();

        Assert.Equal(rotated.NewFingerprint, _insurer.Host.Self.Identity.Fingerprint);
    }

    [Fact]
    public async Task Peers_SurviveRestart()
    {
        await PairAsync(_insurer, _bureau);
        await PairAsync(_bureau, _insurer);

        await _insurer.RestartAsync();
        var invitation = Invitation.Parse(await InvitationOfAsync(_insurer));
        await _bureau.Peers.AddPeerAsync(new AddPeerRequest { Invitation = invitation.ToString(), Replace = true }, _bureau.As());

        Assert.True((await _insurer.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "bureau" }, _insurer.As())).Reachable);
        Assert.True((await _bureau.Peers.CheckPeerAsync(new CheckPeerRequest { Name = "insurer" }, _bureau.As())).Reachable);
    }

    public static TheoryData<string, StatusCode> ForgedAnnouncements => new()
    {
        { "garbage", StatusCode.InvalidArgument },
        { "other-name", StatusCode.PermissionDenied },
        { "bad-signature", StatusCode.PermissionDenied },
        { "other-previous", StatusCode.InvalidArgument },
        { "stale", StatusCode.FailedPrecondition },
        { "bad-certificate", StatusCode.InvalidArgument },
        { "no-new-signature", StatusCode.PermissionDenied },
        { "new-signed-by-old", StatusCode.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(ForgedAnnouncements))]
    public async Task AnnounceCertificate_Forged_IsRefusedAndPinUnchanged(string forgery, StatusCode expected)
    {
        await PairAsync(_insurer, _bureau);
        var certificate = _bureau.Host.Self.Identity.Certificate;
        using var next = SelfSignedCertificate.Create("bureau", [], [], TimeSpan.FromDays(1));
        var announcement = new CertificateAnnouncement
        {
            NodeName = forgery == "other-name" ? "someone" : "bureau",
            Certificate = forgery == "bad-certificate" ? ByteString.CopyFrom(1, 2, 3) : ByteString.CopyFrom(next.RawData),
            PreviousFingerprint = forgery == "other-previous" ? Fingerprint.Format(new byte[32]) : Fingerprint.Of(certificate),
            IssuedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - (forgery == "stale" ? TimeSpan.FromHours(2) : TimeSpan.Zero)),
        }.ToByteString();
        if (forgery == "garbage")
        {
            announcement = ByteString.CopyFrom(0xFF, 0xFF, 0xFF);
        }

        using var key = certificate.GetECDsaPrivateKey()!;
        var signature = key.SignData(announcement.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        if (forgery == "bad-signature")
        {
            signature[5] ^= 1;
        }

        var newSignature = forgery switch
        {
            "no-new-signature" => ByteString.Empty,
            "new-signed-by-old" => ByteString.CopyFrom(signature),
            _ => ByteString.CopyFrom(NodeIdentity.Sign(next, announcement.Span)),
        };
        using var channel = PeerChannelTo(_insurer, certificate);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).AnnounceCertificateAsync(new AnnounceCertificateRequest { Announcement = announcement, Signature = ByteString.CopyFrom(signature), NewSignature = newSignature }));

        Assert.Equal(expected, ex.StatusCode);
        var pinned = (await _insurer.Peers.ListPeersAsync(new ListPeersRequest(), _insurer.As())).Peers.Single();
        Assert.Equal(Fingerprint.Of(certificate), pinned.CertificateFingerprint);
    }

    [Fact]
    public async Task Finding1_ReplacedCertificate_MayCallButNotAnnounce()
    {
        await PairAsync(_insurer, _bureau);
        await PairAsync(_bureau, _insurer);
        using var stolen = X509CertificateLoader.LoadPkcs12(_bureau.Host.Self.Identity.Certificate.Export(X509ContentType.Pkcs12), null);
        var rotated = await _bureau.Identity.RotateCertificateAsync(new RotateCertificateRequest(), _bureau.As());
        Assert.True(rotated.Peers.Single().Accepted, rotated.Peers.Single().Error);
        using var attacker = SelfSignedCertificate.Create("bureau", [], [], TimeSpan.FromDays(1));
        using var channel = PeerChannelTo(_insurer, stolen);

        Assert.Equal("bureau", (await new NodeService.NodeServiceClient(channel).PingAsync(new PingRequest())).Caller);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).AnnounceCertificateAsync(Announce("bureau", stolen, attacker)));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(rotated.NewFingerprint, (await _insurer.Peers.ListPeersAsync(new ListPeersRequest(), _insurer.As())).Peers.Single().CertificateFingerprint);
        var audited = (await _bureau.AuditRecordsAsync()).Single(r => r.Action == "node.rotate-certificate");
        Assert.Contains(audited.Details, d => d.Key == "peers_accepted" && d.Value == "insurer");
        var received = (await _insurer.AuditRecordsAsync()).Where(r => r.Action == "peer.rotate-certificate" && r.Peer == "bureau").ToList();
        Assert.Equal([("ok", ""), ("deny", "permission-denied")], received.Select(r => (r.Outcome, r.ReasonCode)));
    }

    [Fact]
    public async Task Finding1_AnnouncedCertificatePinnedForAnotherPeer_IsAlreadyExistsAndNothingChanges()
    {
        await PairAsync(_insurer, _bureau);
        using var telecom = SelfSignedCertificate.Create("telecom", [], [], TimeSpan.FromDays(1));
        var telecomInvitation = Invitation.Parse(await InvitationOfAsync(_bureau)) with { Name = "telecom", Fingerprint = CertificateFingerprint.Compute(telecom) };
        await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = telecomInvitation.ToString() }, _insurer.As());
        var bureau = _bureau.Host.Self.Identity.Certificate;
        using var channel = PeerChannelTo(_insurer, bureau);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(channel).AnnounceCertificateAsync(Announce("bureau", bureau, telecom)));

        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        var pins = (await _insurer.Peers.ListPeersAsync(new ListPeersRequest(), _insurer.As())).Peers.ToDictionary(p => p.Name, p => p.CertificateFingerprint);
        Assert.Equal(Fingerprint.Of(bureau), pins["bureau"]);
        Assert.Equal(Fingerprint.Of(telecom), pins["telecom"]);
        using var asTelecom = PeerChannelTo(_insurer, telecom);
        Assert.Equal("telecom", (await new NodeService.NodeServiceClient(asTelecom).PingAsync(new PingRequest())).Caller);
    }

    [Fact]
    public async Task Finding1_OwnerLockedOutByStolenCurrentKey_RecoversWithReplace()
    {
        await PairAsync(_insurer, _bureau);
        var real = _bureau.Host.Self.Identity.Certificate;
        using var attacker = SelfSignedCertificate.Create("bureau", [], [], TimeSpan.FromDays(1));
        using (var stolen = PeerChannelTo(_insurer, real))
        {
            await new NodeService.NodeServiceClient(stolen).AnnounceCertificateAsync(Announce("bureau", real, attacker));
        }

        await _insurer.Peers.AddPeerAsync(new AddPeerRequest { Invitation = await InvitationOfAsync(_bureau), Replace = true }, _insurer.As());

        using var asAttacker = PeerChannelTo(_insurer, attacker);
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new NodeService.NodeServiceClient(asAttacker).PingAsync(new PingRequest()));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        using var asOwner = PeerChannelTo(_insurer, real);
        Assert.Equal("bureau", (await new NodeService.NodeServiceClient(asOwner).PingAsync(new PingRequest())).Caller);
        Assert.Contains(await _insurer.AuditRecordsAsync(), r => r.Action == "peer.replace" && r.Peer == "bureau");
    }

    /// <summary>An announcement of <paramref name="next"/> by <paramref name="current"/>, signed with both keys.</summary>
    private static AnnounceCertificateRequest Announce(string name, X509Certificate2 current, X509Certificate2 next)
    {
        var announcement = new CertificateAnnouncement
        {
            NodeName = name,
            Certificate = ByteString.CopyFrom(next.RawData),
            PreviousFingerprint = Fingerprint.Of(current),
            IssuedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }.ToByteString();
        return new AnnounceCertificateRequest
        {
            Announcement = announcement,
            Signature = ByteString.CopyFrom(NodeIdentity.Sign(current, announcement.Span)),
            NewSignature = ByteString.CopyFrom(NodeIdentity.Sign(next, announcement.Span)),
        };
    }

    internal static async Task<string> InvitationOfAsync(TestNode node) =>
        (await node.Identity.GetInvitationAsync(new GetInvitationRequest(), node.As())).Invitation;

    /// <summary><paramref name="node"/> pins <paramref name="peer"/>.</summary>
    internal static async Task PairAsync(TestNode node, TestNode peer) =>
        await node.Peers.AddPeerAsync(new AddPeerRequest { Invitation = await InvitationOfAsync(peer) }, node.As());

    private static GrpcChannel PeerChannelTo(TestNode node, X509Certificate2 clientCertificate)
    {
        var pinned = node.Host.Self.Identity.Fingerprint;
        return TestCalls.MutualTls(new Uri($"https://127.0.0.1:{node.Host.PeerEndPoint.Port}"), clientCertificate, c => Fingerprint.Of(c) == pinned);
    }
}
