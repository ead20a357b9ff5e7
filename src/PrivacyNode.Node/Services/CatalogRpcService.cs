using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>
/// CatalogService on the local endpoint (register and browse datasets, here or at a peer) and
/// PeerCatalogService on the peer endpoint (metadata only: source location and key reports stay local).
/// </summary>
public sealed partial class CatalogRpcService(DatasetStore datasets, ProviderTagCache tagCache, PeerClient peerClient, TimeProvider clock)
{
    public void MapLocal(RpcRouter router, LocalAccess access)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(access);
        router.MapUnary(CatalogServiceDescriptor.AddDataset, AddDatasetAsync);
        access.Allow(CatalogServiceDescriptor.AddDataset, Role.Admin);
        router.MapUnary(CatalogServiceDescriptor.ListDatasets, ListDatasetsAsync);
        access.Allow(CatalogServiceDescriptor.ListDatasets, Role.Admin, Role.Analyst);
        router.MapUnary(CatalogServiceDescriptor.GetDataset, GetDatasetAsync);
        access.Allow(CatalogServiceDescriptor.GetDataset, Role.Admin, Role.Analyst);
        router.MapUnary(CatalogServiceDescriptor.RemoveDataset, RemoveDatasetAsync);
        access.Allow(CatalogServiceDescriptor.RemoveDataset, Role.Admin);
    }

    public void MapPeer(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.MapUnary(PeerCatalogServiceDescriptor.ListDatasets, PeerListDatasetsAsync);
        router.MapUnary(PeerCatalogServiceDescriptor.GetDataset, PeerGetDatasetAsync);
    }

    /// <summary>
    /// What a peer may see of a dataset: the catalog entry the data regulation asks for (name, description, grade, sharing, owner unit,
    /// responsible person, update cycle, registration time) and, unless it is not shared, its columns and key columns; never where it
    /// is stored, who registered it, the key report, its row count or its content digest. The version a peer sees is an opaque id that
    /// changes with every registration.
    /// </summary>
    internal static Dataset ForPeers(Dataset dataset)
    {
        var shown = dataset.Clone();
        shown.SourceLocation = string.Empty;
        shown.RegisteredBy = string.Empty;
        shown.KeyReports.Clear();
        shown.RowCount = 0;
        shown.Version = "r" + (dataset.RegisteredAt?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (dataset.Sharing == Sharing.NotShared)
        {
            shown.Columns.Clear();
            shown.KeyColumns.Clear();
        }

        return shown;
    }

    private async Task<AddDatasetResponse> AddDatasetAsync(AddDatasetRequest request, ServerCallContext context)
    {
        if (!DatasetName().IsMatch(request.Name))
        {
            throw new RpcException(StatusCode.InvalidArgument, $"Dataset name '{request.Name}' is invalid: use 1-64 lower-case letters, digits, '_' or '-', starting with a letter or digit.");
        }

        var grade = Grades.Normalize(request.Grade) ?? throw new RpcException(StatusCode.InvalidArgument, $"Grade '{request.Grade}' is invalid. {Grades.Rule}");
        if (request.Sharing == Sharing.Unspecified || !System.Enum.IsDefined(request.Sharing))
        {
            throw new RpcException(StatusCode.InvalidArgument, "A sharing attribute is required: unconditional, conditional or not-shared.");
        }

        foreach (var (value, what) in new[] { (request.OwnerUnit, "owner unit"), (request.ResponsiblePerson, "responsible person") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new RpcException(StatusCode.InvalidArgument, $"The {what} is required.");
            }
        }

        if (request.KeyColumns.Count == 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "At least one key column is required, as column:key-type (key types: " + string.Join(", ", KeyTypes.All) + "), or columns and types joined by '+' for a key of several columns.");
        }

        foreach (var key in request.KeyColumns)
        {
            if (!KeySpec.TryParse(key, out _, out var error))
            {
                throw new RpcException(StatusCode.InvalidArgument, error);
            }
        }

        if (request.KeyColumns.Select(k => k.Column).Distinct(StringComparer.Ordinal).Count() != request.KeyColumns.Count)
        {
            throw new RpcException(StatusCode.InvalidArgument, "A key column is listed twice.");
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
            throw new RpcException(StatusCode.InvalidArgument, ex.Message);
        }

        if (!await datasets.SaveAsync(dataset, source, request.Replace, Actor.Local(caller), context.CancellationToken))
        {
            throw new RpcException(StatusCode.AlreadyExists, $"A dataset named '{request.Name}' is already registered; add with --replace to register a new version.");
        }

        return new AddDatasetResponse { Dataset = dataset };
    }

    private async Task<ListDatasetsResponse> ListDatasetsAsync(ListDatasetsRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Peer))
        {
            return await peerClient.CallAsync(request.Peer, PeerCatalogServiceDescriptor.ListDatasets, new ListDatasetsRequest(), context.CancellationToken);
        }

        var response = new ListDatasetsResponse();
        response.Datasets.AddRange((await datasets.ListAsync(context.CancellationToken)).Select(e => e.Dataset));
        return response;
    }

    private async Task<GetDatasetResponse> GetDatasetAsync(GetDatasetRequest request, ServerCallContext context)
    {
        if (!string.IsNullOrEmpty(request.Peer))
        {
            return await peerClient.CallAsync(request.Peer, PeerCatalogServiceDescriptor.GetDataset, new GetDatasetRequest { Name = request.Name }, context.CancellationToken);
        }

        var entry = await datasets.GetAsync(request.Name, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"No dataset named '{request.Name}' is registered.");
        return new GetDatasetResponse { Dataset = entry.Dataset };
    }

    private async Task<RemoveDatasetResponse> RemoveDatasetAsync(RemoveDatasetRequest request, ServerCallContext context)
    {
        var outcome = await datasets.RemoveAsync(request.Name, Actor.Local(context.GetLocalCaller()), context.CancellationToken);
        if (outcome == RemoveDatasetOutcome.Removed)
        {
            tagCache.Forget(request.Name);
        }

        return outcome switch
        {
            RemoveDatasetOutcome.Removed => new RemoveDatasetResponse(),
            RemoveDatasetOutcome.NotFound => throw new RpcException(StatusCode.NotFound, $"No dataset named '{request.Name}' is registered."),
            _ => throw new RpcException(StatusCode.FailedPrecondition, $"Dataset '{request.Name}' is covered by an active grant; revoke it first."),
        };
    }

    private async Task<ListDatasetsResponse> PeerListDatasetsAsync(ListDatasetsRequest request, ServerCallContext context)
    {
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange((await datasets.ListAsync(context.CancellationToken)).Select(e => ForPeers(e.Dataset)));
        return response;
    }

    private async Task<GetDatasetResponse> PeerGetDatasetAsync(GetDatasetRequest request, ServerCallContext context)
    {
        var entry = await datasets.GetAsync(request.Name, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"No dataset named '{request.Name}' in this catalog.");
        return new GetDatasetResponse { Dataset = ForPeers(entry.Dataset) };
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DatasetName();
}
