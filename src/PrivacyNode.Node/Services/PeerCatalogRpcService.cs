using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Services;

/// <summary>PeerCatalogService on the peer endpoint: metadata only; source location and key reports stay local.</summary>
public sealed class PeerCatalogRpcService(DatasetStore datasets) : PeerCatalogService.PeerCatalogServiceBase
{
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

    public override async Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context)
    {
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange((await datasets.ListAsync(context.CancellationToken)).Select(e => ForPeers(e.Dataset)));
        return response;
    }

    public override async Task<GetDatasetResponse> GetDataset(GetDatasetRequest request, ServerCallContext context)
    {
        var entry = await datasets.GetAsync(request.Name, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No dataset named '{request.Name}' in this catalog."));
        return new GetDatasetResponse { Dataset = ForPeers(entry.Dataset) };
    }
}
