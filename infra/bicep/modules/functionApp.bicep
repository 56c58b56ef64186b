// One Flex Consumption (FC1) function app with its own plan (Flex allows one app per plan).
// Instantiated three times by main.bicep: api, federation and fanout. All three run as the one
// shared user-assigned identity, reach Storage without keys and resolve Key Vault references
// with that identity.
param name string
param planName string
param location string
param tags object = {}

@description('azd-style service name: api, federation or fanout.')
param serviceName string

param identityId string
param identityClientId string

param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string

@description('App settings of this app (main.bicep); the host-storage and telemetry settings below are added to them.')
param appSettings object

@description('Always-ready instance groups, e.g. [{ name: \'http\', instanceCount: 1 }] or [{ name: \'function:<Name>\', instanceCount: 1 }].')
param alwaysReady array = []

param maximumInstanceCount int = 40

@description('2048 or 4096 MB per instance.')
param instanceMemoryMB int = 2048

param runtimeVersion string = '10.0'

@description('Front Door profile id (X-Azure-FDID); when set, only that profile may call the app.')
param frontDoorId string = ''

// Identity-based host storage (no connection string, shared keys are off) and AAD-authenticated
// telemetry. FUNCTIONS_WORKER_RUNTIME is not an app setting on Flex Consumption: the runtime is
// functionAppConfig.runtime below.
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

var frontDoorOnly = !empty(frontDoorId)

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ipSecurityRestrictionsDefaultAction: frontDoorOnly ? 'Deny' : 'Allow'
      ipSecurityRestrictions: frontDoorOnly
        ? [
            {
              name: 'AllowFrontDoor'
              action: 'Allow'
              priority: 100
              tag: 'ServiceTag'
              ipAddress: 'AzureFrontDoor.Backend'
              headers: {
                'x-azure-fdid': [
                  frontDoorId
                ]
              }
            }
          ]
        : []
      // Deployments (az functionapp deploy) go to the scm site, which keeps its own open rules.
      scmIpSecurityRestrictionsUseMain: false
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, hostSettings)
}

output NAME string = site.name
output DEFAULT_HOST_NAME string = site.properties.defaultHostName
