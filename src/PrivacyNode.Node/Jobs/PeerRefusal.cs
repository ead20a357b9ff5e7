using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// How a provider refuses a job and how the requester reads the refusal: the gRPC status carries the
/// message, and two trailers carry the policy reason code and the provider's signed audit receipt.
/// </summary>
public static class PeerRefusal
{
    /// <summary>The trailer naming the policy reason of a refusal.</summary>
    public const string ReasonTrailer = "privacynode-deny-reason";

    /// <summary>The trailer carrying the provider's audit receipt (serialized <see cref="AuditReceipt"/>).</summary>
    public const string ReceiptTrailer = "privacynode-receipt-bin";

    /// <summary>
    /// The provider's side: PERMISSION_DENIED (or <paramref name="code"/>) carrying the reason code and this node's receipt in trailers
    /// (none when the refusal was only counted, not recorded singly).
    /// </summary>
    public static RpcException ToException(Decision decision, AuditRecord? record, StatusCode code = StatusCode.PermissionDenied)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var trailers = new Metadata { { ReasonTrailer, decision.Code } };
        if (record is not null)
        {
            trailers.Add(ReceiptTrailer, AuditFormat.ReceiptOf(record).ToByteArray());
        }

        return new RpcException(new Status(code, $"{decision.Code}: {decision.Message}"), trailers);
    }

    /// <summary>The requester's side: a provider's error as a job failure, keeping its policy reason and receipt.</summary>
    public static JobFailedException ToJobFailure(RpcException ex)
    {
        var receiptBytes = ex.Trailers.GetValueBytes(ReceiptTrailer);
        AuditReceipt? receipt = null;
        if (receiptBytes is not null)
        {
            try
            {
                receipt = AuditReceipt.Parser.ParseFrom(receiptBytes);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                receipt = null;
            }
        }

        var code = ex.Trailers.GetValue(ReasonTrailer) ?? ex.StatusCode switch
        {
            StatusCode.Unavailable => "peer-unavailable",
            StatusCode.DeadlineExceeded => "deadline-exceeded",
            _ => "peer-error",
        };
        return new JobFailedException(code, ex.Status.Detail, receipt);
    }
}
