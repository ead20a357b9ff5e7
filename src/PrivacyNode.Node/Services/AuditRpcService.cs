using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
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
        var caller = context.GetLocalCaller();
        await audit.AppendAsync(caller.Actor.Does("audit.export") with
        {
            Details = new Dictionary<string, string> { ["from_seq"] = request.FromSeq.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, context.CancellationToken);
        var header = new AuditExportHeader
        {
            Format = AuditFormat.ExportFormat,
            Node = self.Name,
            PublicKey = ByteString.CopyFrom(audit.PublicKey),
            ExportedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        foreach (var (peer, key) in await peerKeys.ListAsync(context.CancellationToken))
        {
            header.PeerKeys.Add(new PeerAuditKey { Node = peer, PublicKey = ByteString.CopyFrom(key) });
        }

        var message = new ExportAuditResponse { Header = header };
        await foreach (var record in audit.ReadAsync(request.FromSeq, context.CancellationToken))
        {
            message.Records.Add(record);
            if (message.Records.Count == RecordsPerMessage)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
                message = new ExportAuditResponse();
            }
        }

        await responseStream.WriteAsync(message, context.CancellationToken);
    }
}
