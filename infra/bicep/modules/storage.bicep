// Storage for the Functions hosts (AzureWebJobsStorage), the per-consumer work queues, avatars,
// attachments and the Flex Consumption deployment packages. Shared keys are disabled: every
// client authenticates with the apps' managed identity (roles in rbac.bicep).
param name string
param location string
param tags object = {}

@description('Queues the apps consume when Queue__Transport is StorageQueues (FanoutQueueName, FederationQueueName).')
param queueNames array

@description('Blob containers: avatars, attachments and one deployment-package container per function app.')
param containerNames array

@description('Browser origins allowed to GET blobs through short-lived signed links (the public server origin).')
param corsAllowedOrigins array

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    cors: {
      corsRules: [
        {
          allowedOrigins: corsAllowedOrigins
          allowedMethods: [
            'GET'
            'HEAD'
          ]
          allowedHeaders: [
            '*'
          ]
          exposedHeaders: [
            'Content-Length'
            'Content-Type'
            'ETag'
          ]
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

output NAME string = storage.name
output BLOB_ENDPOINT string = storage.properties.primaryEndpoints.blob
output QUEUE_ENDPOINT string = storage.properties.primaryEndpoints.queue
