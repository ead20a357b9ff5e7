using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Peers;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Security;

namespace PrivacyNode.Node.Identity;

/// <summary>
/// Certificate rotation without re-pairing: the node signs an announcement of its new certificate with
/// its current key and sends it to every peer over the current mutual-TLS connection; a peer that
/// verifies it pins the new certificate and keeps accepting the old one for <see cref="GracePeriod"/>, so
/// an interrupted rotation can simply be run again. A peer that misses the announcement must be paired
/// again (<c>privacynode peer add --replace</c> with the new invitation).
/// </summary>
public sealed class CertificateRotation(NodeSelf self, PeerStore peers, PeerPins pins, PeerChannels channels, TimeProvider clock)
{
    /// <summary>How long a peer keeps accepting the certificate an announcement replaces.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromDays(1);

    /// <summary>How far an announcement's time may be from the receiver's clock.</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(10);

    /// <summary>Makes a new certificate, announces it to every peer, then switches to it.</summary>
    public async Task<RotateCertificateResponse> RotateAsync(CancellationToken cancellationToken)
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
        var request = new AnnounceCertificateRequest { Announcement = announcement, Signature = ByteString.CopyFrom(identity.Sign(announcement.Span)) };

        foreach (var peer in await peers.ListAsync(cancellationToken))
        {
            var result = new AnnouncementResult { Peer = peer.Name };
            try
            {
                await channels.Get(peer).UnaryAsync(NodeServiceDescriptor.AnnounceCertificate, request, CallOptions.WithTimeout(TimeSpan.FromSeconds(15), cancellationToken: cancellationToken));
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
        return response;
    }

    /// <summary>Verifies an announcement from <paramref name="caller"/> (calling with <paramref name="callerCertificate"/>) and pins the new certificate.</summary>
    /// <exception cref="RpcException">The announcement is malformed, not signed by the caller's key, stale, or for another node.</exception>
    public async Task AcceptAsync(PeerRecord caller, X509Certificate2 callerCertificate, AnnounceCertificateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(callerCertificate);
        ArgumentNullException.ThrowIfNull(request);
        CertificateAnnouncement announcement;
        try
        {
            announcement = CertificateAnnouncement.Parser.ParseFrom(request.Announcement);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(StatusCode.InvalidArgument, "The announcement is not a valid CertificateAnnouncement.");
        }

        if (announcement.NodeName != caller.Name)
        {
            throw new RpcException(StatusCode.PermissionDenied, $"The announcement is for node '{announcement.NodeName}', but the caller is paired as '{caller.Name}'.");
        }

        var callerFingerprint = CertificateFingerprint.Compute(callerCertificate);
        if (announcement.PreviousFingerprint != Fingerprint.Format(callerFingerprint))
        {
            throw new RpcException(StatusCode.InvalidArgument, "The announcement replaces a certificate other than the one the caller presents.");
        }

        using (var key = callerCertificate.GetECDsaPublicKey())
        {
            if (key is null || !key.VerifyData(request.Announcement.Span, request.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                throw new RpcException(StatusCode.PermissionDenied, "The announcement's signature does not verify with the caller's current key.");
            }
        }

        var now = clock.GetUtcNow();
        if (announcement.IssuedAt is null || (announcement.IssuedAt.ToDateTimeOffset() - now).Duration() > ClockTolerance)
        {
            throw new RpcException(StatusCode.FailedPrecondition, "The announcement's time is more than 10 minutes from this node's clock.");
        }

        X509Certificate2 next;
        try
        {
            next = X509CertificateLoader.LoadCertificate(announcement.Certificate.Span);
        }
        catch (CryptographicException)
        {
            throw new RpcException(StatusCode.InvalidArgument, "The announced certificate is not a valid DER certificate.");
        }

        using (next)
        {
            if (now < next.NotBefore.ToUniversalTime() || now > next.NotAfter.ToUniversalTime())
            {
                throw new RpcException(StatusCode.InvalidArgument, "The announced certificate is not currently valid.");
            }

            await peers.RotateAsync(caller.Name, CertificateFingerprint.Compute(next), callerFingerprint, now + GracePeriod, cancellationToken);
        }

        await pins.RefreshAsync(cancellationToken);
    }
}
