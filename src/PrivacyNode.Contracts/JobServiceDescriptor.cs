using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.JobService</c>, on the local endpoint.</summary>
public static class JobServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = JobReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("JobService");

    public static readonly Method<SubmitJobRequest, SubmitJobResponse> SubmitJob = ProtobufMethod.Create<SubmitJobRequest, SubmitJobResponse>(Service, "SubmitJob");

    public static readonly Method<GetJobRequest, GetJobResponse> GetJob = ProtobufMethod.Create<GetJobRequest, GetJobResponse>(Service, "GetJob");

    public static readonly Method<ListJobsRequest, ListJobsResponse> ListJobs = ProtobufMethod.Create<ListJobsRequest, ListJobsResponse>(Service, "ListJobs");

    public static readonly Method<WatchJobRequest, WatchJobResponse> WatchJob = ProtobufMethod.Create<WatchJobRequest, WatchJobResponse>(Service, "WatchJob");

    public static readonly Method<CancelJobRequest, CancelJobResponse> CancelJob = ProtobufMethod.Create<CancelJobRequest, CancelJobResponse>(Service, "CancelJob");

    public static readonly Method<GetJobResultRequest, GetJobResultResponse> GetJobResult = ProtobufMethod.Create<GetJobResultRequest, GetJobResultResponse>(Service, "GetJobResult");

    public static readonly Method<DisposeResultRequest, DisposeResultResponse> DisposeResult = ProtobufMethod.Create<DisposeResultRequest, DisposeResultResponse>(Service, "DisposeResult");
}
