using System.CommandLine;
using System.Globalization;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using Spectre.Console;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>job</c> and <c>result</c> groups: run jobs under grants, follow them, read and dispose of results.</summary>
internal static class JobCommands
{
    public static Command Create(CommandContext context)
    {
        var kind = new Option<string>("--kind") { Description = "The job kind: " + string.Join(", ", JobKind.All) + ".", Required = true };
        var grant = new Option<string?>("--grant") { Description = "The grant the job runs under (see: privacynode grant list --held). Every kind but he-aggregate." };
        var parts = new Option<string[]>("--part")
        {
            Description = "he-aggregate: one provider, as grant:value_column[,group_column]; two or more, the first is the aggregator. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var groups = new Option<string?>("--groups")
        {
            Description = "he-aggregate with group columns: the group codes, comma-separated. Results come in this order.",
        };
        var groupsFile = new Option<FileInfo?>("--groups-file")
        {
            Description = "he-aggregate with group columns: a UTF-8 file with one group code per line (blank lines skipped), instead of --groups.",
        };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated provider columns the job uses (PSI: the key column first; psi-payload: then the columns to return; psi-sum: then the value column)." };
        var input = new Option<string?>("--input") { Description = "PSI kinds: this node's dataset and key column to match, as dataset:column." };
        var suite = new Option<string?>("--suite")
        {
            Description = "PSI kinds: the cryptographic suite: rr22 (VOLE-based, fastest on large sets; psi and psi-payload), ristretto255-sha512 or sm2-sm3 (national standard: SM2, SM3, SM4-GCM; slower). Default: rr22 for psi and psi-payload from 4096 keys, ristretto255-sha512 otherwise.",
        };
        var valueRange = new Option<string?>("--value-range")
        {
            Description = "psi-sum and he-aggregate: the value column's declared range as min:max, with as many decimals as the values have (for example 0.00:1000000.00).",
        };
        var threshold = new Option<bool>("--threshold")
        {
            Description = "he-aggregate: the providers hold shares of a collective key, so that no single party, this node included, can decrypt one provider's totals; every provider takes part until the job ends.",
        };
        var wait = new Option<bool>("--wait") { Description = "Follow the job until it ends; exit non-zero unless it succeeds." };
        var submit = new Command("submit", "Submit a job to run with a provider under a grant (he-aggregate: with several, one --part each). Analyst.")
        {
            kind, grant, columns, input, suite, valueRange, parts, groups, groupsFile, threshold, wait,
        };
        context.SetAction(submit, async (parse, node, output, cancellationToken) =>
        {
            var spec = new JobSpec { Kind = parse.GetValue(kind)!, GrantId = parse.GetValue(grant) ?? string.Empty, PsiSuite = parse.GetValue(suite) ?? string.Empty };
            var partValues = parse.GetValue(parts) ?? [];
            var hasParts = JobKind.Find(spec.Kind)?.HasParts == true;
            if (hasParts ? spec.GrantId.Length > 0 || partValues.Length == 0 : spec.GrantId.Length == 0 || partValues.Length > 0)
            {
                throw new CliException(ExitCodes.Usage, hasParts
                    ? "An he-aggregate job names its providers with --part grant:value_column[,group_column], one each, not --grant."
                    : "--grant is required; --part is for he-aggregate jobs.");
            }

            spec.Parts.AddRange(partValues.Select(Part));
            spec.Threshold = parse.GetValue(threshold);
            if (spec.Threshold && !hasParts)
            {
                throw new CliException(ExitCodes.Usage, "--threshold is for he-aggregate jobs.");
            }

            spec.GroupDomain.AddRange(Groups(parse.GetValue(groups), parse.GetValue(groupsFile)));
            spec.Columns.AddRange(Text.List(parse.GetValue(columns)));
            if (parse.GetValue(input) is { } given)
            {
                var parts = given.Split(':', 2);
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                {
                    throw new CliException(ExitCodes.Usage, $"--input takes dataset:column, for example claimants:id_number; got '{given}'.");
                }

                (spec.InputDataset, spec.InputColumn) = (parts[0], parts[1]);
            }

            if (parse.GetValue(valueRange) is { } range)
            {
                var bounds = range.Split(':');
                if (bounds.Length != 2)
                {
                    throw new CliException(ExitCodes.Usage, $"--value-range takes min:max, for example 0.00:1000000.00; got '{range}'.");
                }

                (spec.ValueMin, spec.ValueMax) = (bounds[0], bounds[1]);
            }

            var response = await node.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec }, NodeConnection.Options(cancellationToken));
            if (!parse.GetValue(wait))
            {
                Write(output, response.Job);
                return ExitCodes.Success;
            }

            return await WatchAsync(node, output, response.Job.Id, cancellationToken);
        });

        var list = new Command("list", "List jobs (analysts: their own).");
        context.SetAction(list, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Jobs.ListJobsAsync(new ListJobsRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["id", "kind", "peer", "dataset", "state", "progress", "submitted", "by", "failure"], response.Jobs.Select(j => (IReadOnlyList<string>)
            [
                j.Id, j.Spec.Kind, PerPart(j.Spec, p => p.Peer, j.Spec.Peer), PerPart(j.Spec, p => p.Dataset, j.Spec.Dataset), Text.State(j.State), j.Progress.ToString("P0", CultureInfo.InvariantCulture),
                Text.Time(j.SubmittedAt), j.SubmittedBy, j.FailureCode,
            ]));
            return ExitCodes.Success;
        });

        var showId = new Argument<string>("job-id") { Description = "The job's id." };
        var show = new Command("show", "Show a job.") { showId };
        context.SetAction(show, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Jobs.GetJobAsync(new GetJobRequest { JobId = parse.GetValue(showId)! }, NodeConnection.Options(cancellationToken));
            Write(output, response.Job);
            return ExitCodes.Success;
        });

        var watchId = new Argument<string>("job-id") { Description = "The job's id." };
        var watch = new Command("watch", "Follow a job's progress until it ends; exit non-zero unless it succeeds.") { watchId };
        context.SetAction(watch, (parse, node, output, cancellationToken) => WatchAsync(node, output, parse.GetValue(watchId)!, cancellationToken));

        var cancelId = new Argument<string>("job-id") { Description = "The job's id." };
        var cancel = new Command("cancel", "Cancel a pending or running job.") { cancelId };
        context.SetAction(cancel, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Jobs.CancelJobAsync(new CancelJobRequest { JobId = parse.GetValue(cancelId)! }, NodeConnection.Options(cancellationToken));
            Write(output, response.Job);
            return ExitCodes.Success;
        });

        var resultId = new Argument<string>("job-id") { Description = "The job's id." };
        var maxRows = new Option<ulong?>("--max-rows") { Description = "Print at most this many rows (the metrics and the total always); all by default." };
        var result = new Command("result", "Print a succeeded job's result. Analyst (own jobs).") { resultId, maxRows };
        context.SetAction(result, async (parse, node, output, cancellationToken) =>
        {
            var jobId = parse.GetValue(resultId)!;
            var response = await node.Jobs.GetJobResultAsync(new GetJobResultRequest { JobId = jobId }, NodeConnection.Options(cancellationToken));
            var wanted = Math.Min(response.TotalRows, parse.GetValue(maxRows) ?? ulong.MaxValue);
            while ((ulong)response.Result.Rows.Count < wanted)
            {
                var page = await node.Jobs.GetJobResultAsync(new GetJobResultRequest { JobId = jobId, Offset = (ulong)response.Result.Rows.Count }, NodeConnection.Options(cancellationToken));
                if (page.Result.Rows.Count == 0)
                {
                    throw new CliException(ExitCodes.Failed, $"The node returned no rows past {response.Result.Rows.Count} of {response.TotalRows}.");
                }

                response.Result.Rows.AddRange(page.Result.Rows);
            }

            while ((ulong)response.Result.Rows.Count > wanted)
            {
                response.Result.Rows.RemoveAt(response.Result.Rows.Count - 1);
            }

            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            foreach (var metric in response.Result.Metrics)
            {
                output.WriteLine($"{metric.Name}: {metric.Value.ToString(CultureInfo.InvariantCulture)}");
            }

            if (response.Result.Columns.Count > 0)
            {
                output.WriteTable(response.Result.Columns, response.Result.Rows.Select(r => (IReadOnlyList<string>)r.Values));
            }

            return ExitCodes.Success;
        });

        return new Command("job", "Run jobs with providers under grants.") { submit, list, show, watch, cancel, result };
    }

    /// <summary>A --part value, grant:value_column[,group_column].</summary>
    private static JobPart Part(string text)
    {
        var fields = text.Split(':', 2);
        var columns = fields.Length == 2 ? Text.List(fields[1]) : [];
        if (fields[0].Trim().Length == 0 || columns.Length is < 1 or > 2)
        {
            throw new CliException(ExitCodes.Usage, $"--part takes grant:value_column[,group_column], for example grt-1a2b:subsidy,district; got '{text}'.");
        }

        var part = new JobPart { GrantId = fields[0].Trim() };
        part.Columns.AddRange(columns);
        return part;
    }

    /// <summary>The group codes: from --groups (comma-separated) or --groups-file (one per line, blank lines skipped).</summary>
    private static IEnumerable<string> Groups(string? list, FileInfo? file)
    {
        if (file is null)
        {
            return Text.List(list);
        }

        if (list is not null)
        {
            throw new CliException(ExitCodes.Usage, "Give the group codes with --groups or --groups-file, not both.");
        }

        try
        {
            return File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"--groups-file {file}: cannot read it: {ex.Message}");
        }
    }

    public static Command CreateResult(CommandContext context)
    {
        var id = new Argument<string>("job-id") { Description = "The job whose result to delete." };
        var dispose = new Command("dispose", "Delete a job's result now; a signed disposal record is written.") { id };
        context.SetAction(dispose, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Jobs.DisposeResultAsync(new DisposeResultRequest { JobId = parse.GetValue(id)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Disposed of the result of job {response.Job.Id}.");
            }

            return ExitCodes.Success;
        });
        return new Command("result", "Manage job results kept at this node.") { dispose };
    }

    private static async Task<int> WatchAsync(NodeConnection node, CliOutput output, string jobId, CancellationToken cancellationToken)
    {
        var updates = NodeConnection.StreamAsync(options => node.Jobs.WatchJob(new WatchJobRequest { JobId = jobId }, options), cancellationToken);
        var last = output.IsTerminal && !output.Json
            ? await FollowWithProgressBarAsync(output, jobId, updates)
            : await FollowLineByLineAsync(output, updates);
        return Finish(output, last);
    }

    private static async Task<Job?> FollowLineByLineAsync(CliOutput output, IAsyncEnumerable<WatchJobResponse> updates)
    {
        Job? last = null;
        await foreach (var update in updates)
        {
            last = update.Job;
            if (output.Json)
            {
                output.WriteJson(update);
            }
            else
            {
                output.WriteLine(StatusLine(last));
            }
        }

        return last;
    }

    private static async Task<Job?> FollowWithProgressBarAsync(CliOutput output, string jobId, IAsyncEnumerable<WatchJobResponse> updates)
    {
        Job? last = null;
        await output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var bar = progress.AddTask(Markup.Escape(jobId), maxValue: 1.0);
                await foreach (var update in updates)
                {
                    last = update.Job;
                    bar.Description = Markup.Escape($"{Text.State(last.State)} {last.Stage}".TrimEnd());
                    bar.Value = last.State == JobState.Succeeded ? 1.0 : last.Progress;
                }

                bar.StopTask();
            });
        if (last is not null)
        {
            output.WriteLine(StatusLine(last));
        }

        return last;
    }

    /// <summary>A field of a job's provider, or for he-aggregate every part's, comma-separated.</summary>
    private static string PerPart(JobSpec spec, Func<JobPart, string> field, string single) =>
        spec.Parts.Count > 0 ? string.Join(",", spec.Parts.Select(field)) : single;

    private static string StatusLine(Job job) =>
        $"{job.Id} {Text.State(job.State)} {job.Progress.ToString("P0", CultureInfo.InvariantCulture)} {job.Stage}".TrimEnd();

    private static int Finish(CliOutput output, Job? last)
    {
        if (last is null)
        {
            return ExitCodes.Failed;
        }

        if (last.State == JobState.Failed && !output.Json)
        {
            output.WriteLine($"Failed: {last.FailureCode}: {last.FailureMessage}");
        }

        return last.State == JobState.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static void Write(CliOutput output, Job job)
    {
        if (output.Json)
        {
            output.WriteJson(job);
            return;
        }

        var with = job.Spec.Parts.Count > 0
            ? string.Join(", ", job.Spec.Parts.Select(p => $"'{p.Peer}' on '{p.Dataset}' under {p.GrantId}"))
            : $"'{job.Spec.Peer}' on '{job.Spec.Dataset}' under {job.Spec.GrantId}";
        output.WriteLine($"Job {job.Id}: {job.Spec.Kind} with {with}: {Text.State(job.State)} {job.Progress.ToString("P0", CultureInfo.InvariantCulture)} {job.Stage}".TrimEnd());
        if (job.State == JobState.Failed)
        {
            output.WriteLine($"Failed: {job.FailureCode}: {job.FailureMessage}");
        }
    }
}
