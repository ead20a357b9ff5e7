using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using System.Runtime.CompilerServices;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>AuditService on the local endpoint: auditors export the log; the export itself is audited.</summary>
public sealed class AuditRpcService(NodeSelf self, AuditLog audit, PeerAuditKeys peerKeys, TimeProvider clock) : AuditService.AuditServiceBase
{
    private const int RecordsPerMessage = 128;

    [Allow(Role.Auditor)]
    public override async Task ExportAudit(ExportAuditRequest request, IServerStreamWriter<ExportAuditResponse> responseStream, ServerCallContext context)
    {
        var message = new ExportAuditResponse();
        await foreach (var part in ExportAsync(context.GetLocalCaller().Actor, request.FromSeq, context.CancellationToken))
        {
            if (part is AuditExportHeader header)
            {
                message.Header = header;
                continue;
            }

            message.Records.Add((AuditRecord)part);
            if (message.Records.Count == RecordsPerMessage)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
                message = new ExportAuditResponse();
            }
        }

        await responseStream.WriteAsync(message, context.CancellationToken);
    }

    /// <summary>
    /// An export of the log from <paramref name="fromSeq"/> by <paramref name="by"/>, recorded first: its header (this node's key and
    /// the peers' keys it knows), then each record in order.
    /// </summary>
    internal async IAsyncEnumerable<IMessage> ExportAsync(Actor by, ulong fromSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await audit.AppendAsync(by.Does("audit.export") with
        {
            Details = new Dictionary<string, string> { ["from_seq"] = fromSeq.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, cancellationToken);
        var header = new AuditExportHeader
        {
            Format = AuditFormat.ExportFormat,
            Node = self.Name,
            PublicKey = ByteString.CopyFrom(audit.PublicKey),
            ExportedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        foreach (var (peer, key) in await peerKeys.ListAsync(cancellationToken))
        {
            header.PeerKeys.Add(new PeerAuditKey { Node = peer, PublicKey = ByteString.CopyFrom(key) });
        }

        yield return header;
        await foreach (var record in audit.ReadAsync(fromSeq, cancellationToken))
        {
            yield return record;
        }
    }
}
