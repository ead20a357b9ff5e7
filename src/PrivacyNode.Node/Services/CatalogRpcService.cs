using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Kinds.Psi;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>CatalogService on the local endpoint: register and browse datasets, here or at a peer.</summary>
public sealed partial class CatalogRpcService(DatasetStore datasets, ProviderTagCache tagCache, PeerClient peerClient, TimeProvider clock) : CatalogService.CatalogServiceBase
{

    [Allow(Role.Admin)]
    public override async Task<AddDatasetResponse> AddDataset(AddDatasetRequest request, ServerCallContext context)
    {
        if (!DatasetName().IsMatch(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Dataset name '{request.Name}' is invalid: use 1-64 lower-case letters, digits, '_' or '-', starting with a letter or digit."));
        }

        var grade = Grades.Normalize(request.Grade) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Grade '{request.Grade}' is invalid. {Grades.Rule}"));
        if (request.Sharing == Sharing.Unspecified || !System.Enum.IsDefined(request.Sharing))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A sharing attribute is required: unconditional, conditional or not-shared."));
        }

        foreach (var (value, what) in new[] { (request.OwnerUnit, "owner unit"), (request.ResponsiblePerson, "responsible person") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The {what} is required."));
            }
        }

        if (request.KeyColumns.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "At least one key column is required, as column:key-type (key types: " + string.Join(", ", KeyTypes.All) + "), or columns and types joined by '+' for a key of several columns."));
        }

        foreach (var key in request.KeyColumns)
        {
            if (!KeySpec.TryParse(key, out _, out var error))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, error));
            }
        }

        if (request.KeyColumns.Select(k => k.Column).Distinct(StringComparer.Ordinal).Count() != request.KeyColumns.Count)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A key column is listed twice."));
        }

        var caller = context.GetLocalCaller();
        var source = request.Source ?? new DatasetSource();
        var dataset = new Dataset
        {
            Name = request.Name,
            Description = request.Description,
            Grade = grade,
            Sharing = request.Sharing,
            OwnerUnit = request.OwnerUnit.Trim(),
            ResponsiblePerson = request.ResponsiblePerson.Trim(),
            UpdateCycle = request.UpdateCycle.Trim(),
            RegisteredAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            RegisteredBy = caller.Name,
        };
        dataset.KeyColumns.AddRange(request.KeyColumns);
        try
        {
            dataset.SourceLocation = DataSources.Describe(source);
            await DatasetProfile.ProfileAsync(source, dataset, context.CancellationToken);
        }
        catch (DataSourceException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }

        if (!await datasets.SaveAsync(dataset, source, request.Replace, caller.Actor, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"A dataset named '{request.Name}' is already registered; add with --replace to register a new version."));
        }

        return new AddDatasetResponse { Dataset = dataset };
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Peer))
        {
            return await peerClient.CallAsync(request.Peer, (peer, options) => new PeerCatalogService.PeerCatalogServiceClient(peer).ListDatasetsAsync(new ListDatasetsRequest(), options), context.CancellationToken);
        }

        var response = new ListDatasetsResponse();
        response.Datasets.AddRange((await datasets.ListAsync(context.CancellationToken)).Select(e => e.Dataset));
        return response;
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Peer))
        {
            return await peerClient.CallAsync(request.Peer, (peer, options) => new PeerCatalogService.PeerCatalogServiceClient(peer).GetDatasetAsync(new GetDatasetRequest { Name = request.Name }, options), context.CancellationToken);
        }

        var entry = await datasets.GetAsync(request.Name, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No dataset named '{request.Name}' is registered."));
        return new GetDatasetResponse { Dataset = entry.Dataset };
    }

    [Allow(Role.Admin)]
    public override async Task<RemoveDatasetResponse> RemoveDataset(RemoveDatasetRequest request, ServerCallContext context)
    {
        var outcome = await datasets.RemoveAsync(request.Name, context.GetLocalCaller().Actor, context.CancellationToken);
        if (outcome == RemoveDatasetOutcome.Removed)
        {
            tagCache.Forget(request.Name);
        }

        return outcome switch
        {
            RemoveDatasetOutcome.Removed => new RemoveDatasetResponse(),
            RemoveDatasetOutcome.NotFound => throw new RpcException(new Status(StatusCode.NotFound, $"No dataset named '{request.Name}' is registered.")),
            _ => throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Dataset '{request.Name}' is covered by an active grant; revoke it first.")),
        };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatasetName();
}
