using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Benchmarks;

/// <summary>
/// The background load of benchmarks/interference-e2e.sh, for at most a set time or until SIGTERM: local gRPC clients calling running
/// nodes, each PACE calls a second (0: as fast as they are answered), alternating between listing jobs and describing the node;
/// and peer calls at a set rate from a paired node whose every job the provider refuses (an admission under a grant that does not
/// exist, with a validly signed receipt, so each refusal goes through the policy decision and its audit budget). Prints what it achieved.
/// </summary>
/// <remarks>
/// <c>interference-load SECONDS CLIENTS PACE RATE STRANGER_NAME STRANGER_DIR PROVIDER_NAME PROVIDER_DIR DIR=TOKEN_FILE...</c>
/// </remarks>
internal static class InterferenceLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 9)
        {
            Console.Error.WriteLine("usage: interference-load SECONDS CLIENTS PACE RATE STRANGER_NAME STRANGER_DIR PROVIDER_NAME PROVIDER_DIR DIR=TOKEN_FILE...");
            return 2;
        }

        var clients = int.Parse(args[1], CultureInfo.InvariantCulture);
        var pace = int.Parse(args[2], CultureInfo.InvariantCulture);
        var rate = int.Parse(args[3], CultureInfo.InvariantCulture);
        var locals = args[8..].Select(a => a.Split('=', 2)).Select(p => LocalChannel(p[0], File.ReadAllText(p[1]).Trim())).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(int.Parse(args[0], CultureInfo.InvariantCulture)));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var stopwatch = Stopwatch.StartNew();
        var localCalls = new long[1];
        var localTasks = Enumerable.Range(0, clients).Select(i => CallLocallyAsync(locals[i % locals.Count], pace, localCalls, stop.Token)).ToList();
        var refusals = await RefuseAsync((args[4], args[5]), (args[6], args[7]), rate, stop.Token);
        await Task.WhenAll(localTasks);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"local_calls_per_second={localCalls[0] / seconds:0} refused_peer_calls_per_second={refusals.Values.Sum() / seconds:0} refusals={string.Join(',', refusals.Select(r => $"{r.Key}:{r.Value}"))}"));
        return refusals.Keys.All(code => code == StatusCode.PermissionDenied) ? 0 : 1;
    }

    /// <summary>A local client of the node in <paramref name="directory"/>, calling with <paramref name="token"/>.</summary>
    private static GrpcChannel LocalChannel(string directory, string token)
    {
        var runtime = NodeRuntimeInfo.TryRead(directory) ?? throw new InvalidOperationException($"No node runs in {directory}.");
        var channel = GrpcChannel.ForAddress(runtime.Local, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, headers) =>
            {
                headers.Add("authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        return channel;
    }

    /// <summary>Lists the node's jobs and describes the node in turn, <paramref name="pace"/> calls a second (0: back to back), until <paramref name="stop"/>.</summary>
    private static async Task CallLocallyAsync(GrpcChannel channel, int pace, long[] calls, CancellationToken stop)
    {
        var (jobs, node) = (new JobService.JobServiceClient(channel), new IdentityService.IdentityServiceClient(channel));
        using var timer = pace > 0 ? new PeriodicTimer(TimeSpan.FromSeconds(1.0 / pace)) : null;
        for (var i = 0; timer is null ? !stop.IsCancellationRequested : await Continue(timer, stop); i++)
        {
            try
            {
                _ = i % 2 == 0
                    ? (object)await jobs.ListJobsAsync(new ListJobsRequest(), cancellationToken: stop)
                    : await node.DescribeNodeAsync(new DescribeNodeRequest(), cancellationToken: stop);
                Interlocked.Increment(ref calls[0]);
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Row-count admissions from the stranger under a grant that does not exist, <paramref name="rate"/> a second; the status codes met.</summary>
    private static async Task<Dictionary<StatusCode, long>> RefuseAsync((string Name, string Directory) stranger, (string Name, string Directory) provider, int rate, CancellationToken stop)
    {
        using var identity = NodeIdentity.Load(Path.Combine(stranger.Directory, "identity.pem"), KeyPassphrase.None);
        var auditKey = AuditKey.Load(Path.Combine(stranger.Directory, "audit-key.pem"), KeyPassphrase.None);
        using var channels = new PeerChannels(identity, TimeProvider.System, 1 << 20);
        using var providerIdentity = NodeIdentity.Load(Path.Combine(provider.Directory, "identity.pem"), KeyPassphrase.None);
        var client = new PeerJobService.PeerJobServiceClient(channels.Get(new PeerRecord(provider.Name, NodeRuntimeInfo.TryRead(provider.Directory)!.Peer,
            CertificateFingerprint.Compute(providerIdentity.Certificate), null, null, DateTimeOffset.UtcNow, "benchmark", null)));
        var codes = new Dictionary<StatusCode, long>();
        var calls = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        var seq = 0UL;
        while (await Continue(timer, stop))
        {
            var jobId = "job-refused-" + (++seq).ToString(CultureInfo.InvariantCulture);
            var request = new RowCountRequest
            {
                Admission = new JobAdmission
                {
                    JobId = jobId, RequesterReceipt = Receipt(stranger.Name, seq, jobId, auditKey),
                    Spec = new JobSpec { Kind = JobKind.RowCountName, Peer = provider.Name, GrantId = "grt-none", Dataset = "holdings", OutputMode = "count", PurposeCode = "probe" },
                },
            };
            calls.Add(CallAsync());

            async Task CallAsync()
            {
                StatusCode code;
                try
                {
                    await client.RowCountAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: CancellationToken.None);
                    code = StatusCode.OK;
                }
                catch (RpcException ex)
                {
                    code = ex.StatusCode;
                }

                lock (codes)
                {
                    codes[code] = codes.GetValueOrDefault(code) + 1;
                }
            }
        }

        await Task.WhenAll(calls);
        return codes;
    }

    private static async Task<bool> Continue(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A receipt of a record the stranger signs for <paramref name="jobId"/> (its log never holds it; the provider cannot tell).</summary>
    private static AuditReceipt Receipt(string node, ulong seq, string jobId, Crypto.Signatures.Ed25519KeyPair key)
    {
        var record = new AuditRecord
        {
            Seq = 1_000_000 + seq, TimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Node = node, Actor = "system", ActorRole = "system",
            Action = "job.start", Outcome = "ok", JobId = jobId, PrevHash = ByteString.CopyFrom(new byte[AuditFormat.HashSize]),
        };
        record.Hash = ByteString.CopyFrom(AuditFormat.ComputeHash(record));
        record.Signature = ByteString.CopyFrom(key.Sign(record.Hash.Span));
        record.ReceiptSignature = ByteString.CopyFrom(key.Sign(AuditFormat.ReceiptBinding(record.Node, record.Seq, record.Hash.Span, AuditFormat.SubjectOf(record))));
        return AuditFormat.ReceiptOf(record);
    }
}
