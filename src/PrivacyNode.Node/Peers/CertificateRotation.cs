using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// Certificate rotation without re-pairing: the node signs an announcement of its new certificate with
/// its current key and with the new one, and sends it to every peer over the current mutual-TLS connection.
/// A peer accepts it only from the certificate it currently pins for the caller (never from one kept for a
/// grace period), only for a certificate pinned for no other peer, and only if both signatures verify; it then
/// pins the new certificate and keeps accepting the old one for calls, not announcements, for
/// <see cref="GracePeriod"/>. Both sides audit the rotation. A peer that misses the announcement, or whose pin
/// was taken over by a holder of the stolen current key, is paired again (<c>privacynode peer add --replace</c>
/// with a fresh invitation).
/// </summary>
public sealed class CertificateRotation(NodeSelf self, PeerStore peers, PeerPins pins, PeerChannels channels, AuditLog audit, TimeProvider clock)
{
    /// <summary>How long a peer keeps accepting the certificate an announcement replaces.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromDays(1);

    /// <summary>How far an announcement's time may be from the receiver's clock.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(10);

    /// <summary>Makes a new certificate, announces it to every peer, then switches to it; audited as done by <paramref name="by"/>.</summary>
    public async Task<RotateCertificateResponse> RotateAsync(Actor by, CancellationToken cancellationToken)
    {
        var identity = self.Identity;
        var next = NodeIdentity.CreateCertificate(self.Name);
        var response = new RotateCertificateResponse
        {
            PreviousFingerprint = identity.Fingerprint,
            NewFingerprint = Fingerprint.Of(next),
        };
        var announcement = new CertificateAnnouncement
        {
            NodeName = self.Name,
            Certificate = ByteString.CopyFrom(next.RawData),
            PreviousFingerprint = identity.Fingerprint,
            IssuedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        }.ToByteString();
        var request = new AnnounceCertificateRequest
        {
            Announcement = announcement,
            Signature = ByteString.CopyFrom(identity.Sign(announcement.Span)),
            NewSignature = ByteString.CopyFrom(NodeIdentity.Sign(next, announcement.Span)),
        };

        foreach (var peer in await peers.ListAsync(cancellationToken))
        {
            var result = new AnnouncementResult { Peer = peer.Name };
            try
            {
                await new NodeService.NodeServiceClient(channels.Get(peer)).AnnounceCertificateAsync(request, PeerClient.Options(TimeSpan.FromSeconds(15), cancellationToken));
                result.Accepted = true;
            }
            catch (RpcException ex)
            {
                result.Error = $"{ex.StatusCode}: {ex.Status.Detail}";
            }

            response.Peers.Add(result);
        }

        identity.Replace(next);
        channels.Reset();
        var details = new Dictionary<string, string>
        {
            ["fingerprint"] = response.NewFingerprint,
            ["previous_fingerprint"] = response.PreviousFingerprint,
            ["peers_accepted"] = string.Join(',', response.Peers.Where(p => p.Accepted).Select(p => p.Peer)),
            ["peers_failed"] = string.Join(',', response.Peers.Where(p => !p.Accepted).Select(p => p.Peer)),
        };
        await audit.AppendAsync(by.Does("node.rotate-certificate") with { Details = details }, CancellationToken.None);
        return response;
    }

    /// <summary>Verifies an announcement from <paramref name="caller"/> (calling with <paramref name="callerCertificate"/>) and pins the new certificate.</summary>
    /// <exception cref="RpcException">
    /// The announcement is malformed, stale, for another node, made from a certificate other than the caller's current one, not signed
    /// by both the current and the new key (PERMISSION_DENIED), or announces a certificate pinned for another peer (ALREADY_EXISTS).
    /// </exception>
    public async Task AcceptAsync(PeerRecord caller, X509Certificate2 callerCertificate, AnnounceCertificateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(callerCertificate);
        ArgumentNullException.ThrowIfNull(request);
        var callerFingerprint = CertificateFingerprint.Compute(callerCertificate);
        if (!callerFingerprint.AsSpan().SequenceEqual(caller.Fingerprint))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                "Only the certificate currently pinned for this peer may announce a new one; a replaced certificate may still call during the grace period but not announce."));
        }

        CertificateAnnouncement announcement;
        try
        {
            announcement = CertificateAnnouncement.Parser.ParseFrom(request.Announcement);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The announcement is not a valid CertificateAnnouncement."));
        }

        if (announcement.NodeName != caller.Name)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"The announcement names a node other than '{caller.Name}', as which the caller is paired."));
        }

        if (announcement.PreviousFingerprint != Fingerprint.Format(callerFingerprint))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The announcement replaces a certificate other than the one the caller presents."));
        }

        if (!Verifies(callerCertificate, request.Announcement, request.Signature))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The announcement's signature does not verify with the caller's current key."));
        }

        var now = clock.GetUtcNow();
        if (announcement.IssuedAt is null || (announcement.IssuedAt.ToDateTimeOffset() - now).Duration() > ClockTolerance)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "The announcement's time is more than 10 minutes from this node's clock."));
        }

        X509Certificate2 next;
        try
        {
            next = X509CertificateLoader.LoadCertificate(announcement.Certificate.Span);
        }
        catch (CryptographicException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The announced certificate is not a valid DER certificate."));
        }

        using (next)
        {
            if (now < next.NotBefore.ToUniversalTime() || now > next.NotAfter.ToUniversalTime())
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The announced certificate is not currently valid."));
            }

            if (!Verifies(next, request.Announcement, request.NewSignature))
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "The announcement's second signature does not verify with the announced certificate's key, so the caller has not shown it holds that key."));
            }

            var outcome = await peers.RotateAsync(caller.Name, CertificateFingerprint.Compute(next), callerFingerprint, now + GracePeriod, cancellationToken);
            switch (outcome)
            {
                case RotateOutcome.CertificateTaken:
                    throw new RpcException(new Status(StatusCode.AlreadyExists, "The announced certificate is already pinned on this node, for this or another peer; announce a new certificate."));
                case RotateOutcome.NotCurrent:
                    throw new RpcException(new Status(StatusCode.Aborted, "The caller's certificate was replaced while the announcement was being checked; announce again."));
            }
        }

        await pins.RefreshAsync(cancellationToken);
    }

    private static bool Verifies(X509Certificate2 certificate, ByteString data, ByteString signature)
    {
        using var key = certificate.GetECDsaPublicKey();
        return key is not null && key.VerifyData(data.Span, signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
