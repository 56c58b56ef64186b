// Azure SignalR Service in Serverless mode: no hub server connects; the fanout app calls the
// data-plane REST API and the api app issues client-negotiate tokens, both signed with the access
// key carried by the connection string (Endpoint=...;AccessKey=...;Version=1.0;).
param name string
param location string
param tags object = {}

@description('Free_F1 (20 connections, dev only), Standard_S1 (1,000 connections per unit) or Premium_P1.')
param skuName string = 'Standard_S1'

@description('Units; each Standard unit carries 1,000 concurrent connections.')
param capacity int = 1

@description('Origins the browser connects from (the public server origin).')
param allowedOrigins array

param keyVaultName string
param connectionSecretName string

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    capacity: capacity
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
      {
        flag: 'EnableMessagingLogs'
        value: 'False'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    tls: {
      clientCertEnabled: false
    }
    publicNetworkAccess: 'Enabled'
    // The access key signs REST calls and client tokens (Realtime/ in Core), so local auth stays on.
    disableLocalAuth: false
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: connectionSecretName
  properties: {
    value: signalR.listKeys().primaryConnectionString
    contentType: 'text/plain'
  }
}

output NAME string = signalR.name
output HOST_NAME string = signalR.properties.hostName
output CONNECTION_REF_URI string = connectionSecret.properties.secretUri
