// Azure SignalR Service in Serverless mode: no hub server connects; the fanout app calls the
// data-plane REST API and the api app asks the service for client tokens (:generateToken). Both
// authenticate with Microsoft Entra ID (SignalR REST API Owner in rbac.bicep); local auth is off,
// so no access key exists. Connection string: Endpoint=https://<host>;AuthType=azure.msi;ClientId=<app identity>;Version=1.0;
param name string
param location string
param tags object = {}

@description('Free_F1 (20 connections, dev only), Standard_S1 (1,000 connections per unit) or Premium_P1.')
param skuName string = 'Standard_S1'

@description('Units; each Standard unit carries 1,000 concurrent connections.')
param capacity int = 1

@description('Origins the browser connects from (the public server origin).')
param allowedOrigins array

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
    disableLocalAuth: true
  }
}

output NAME string = signalR.name
output HOST_NAME string = signalR.properties.hostName
