// Every role assignment of the deployment, in one place. Each function app has its own identity
// and only the roles it uses. Names are guid(scope, identity name, role): deterministic before the
// deployment runs (what-if can evaluate them), and redeploying is idempotent.
@description('Identity resource name per app (api, federation, fanout); known before the deployment, so it names the assignments.')
param appIdentityNames object

@description('Object (principal) id per app identity; a value only, never part of a resource name.')
param appPrincipalIds object

@description('Optional user or group that operates the deployment (rotates Key Vault secrets); empty for none.')
param operatorPrincipalId string = ''

@description('User, Group or ServicePrincipal (for the operator).')
param operatorPrincipalType string = 'User'

param storageAccountName string
param keyVaultName string
param applicationInsightsName string
param serviceBusNamespaceName string
param topicName string
param signalRName string

@description('ServiceBus or StorageQueues (Queue__Transport); decides which messaging roles exist.')
param queueTransport string = 'ServiceBus'

var roles = {
  // Host storage (AzureWebJobsStorage), the app's deployment package; for api also avatars and
  // attachments (incl. user-delegation SAS).
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // The [QueueTrigger] functions of fanout and federation (Storage-queue transport).
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Functions host diagnostics events.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Resolving @Microsoft.KeyVault(...) app settings.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Operators: set and rotate secrets (docs/deploy.md).
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  // Telemetry with Authorization=AAD (local auth is disabled).
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Publishing channel events (api, and federation for inbound events) and consuming them.
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  // SignalR data-plane REST API with Entra ID: group/user sends (fanout), group sync and client tokens (api).
  signalRRestApiOwner: 'fd53cd77-2268-407a-8f46-7e7863d0f521'
}

// What each app uses. Scopes: storage, vault, insights, topic, subscription:<name>, signalR.
// With Storage queues as the transport the Service Bus grants go and the api (the publisher, whose
// health check also reads the queue) gets the queue role instead.
var serviceBusScopes = [
  'topic'
  'subscription:fanout'
  'subscription:federation'
]
var storageQueueTransportGrants = [
  { app: 'api', scope: 'storage', role: roles.storageQueueDataContributor }
]
var grants = queueTransport == 'ServiceBus' ? allTransportGrants : concat(filter(allTransportGrants, g => !contains(serviceBusScopes, g.scope)), storageQueueTransportGrants)
var allTransportGrants = [
  { app: 'api', scope: 'storage', role: roles.storageBlobDataOwner }
  { app: 'api', scope: 'storage', role: roles.storageTableDataContributor }
  { app: 'api', scope: 'vault', role: roles.keyVaultSecretsUser }
  { app: 'api', scope: 'insights', role: roles.monitoringMetricsPublisher }
  { app: 'api', scope: 'topic', role: roles.serviceBusDataSender }
  // Dead-letter queues are sub-queues of the subscriptions: the api's PoisonRedrive timer and admin
  // routes list and re-drive them (there is no narrower role than the subscription's receiver).
  { app: 'api', scope: 'subscription:fanout', role: roles.serviceBusDataReceiver }
  { app: 'api', scope: 'subscription:federation', role: roles.serviceBusDataReceiver }
  { app: 'api', scope: 'signalR', role: roles.signalRRestApiOwner }
  { app: 'federation', scope: 'storage', role: roles.storageBlobDataOwner }
  { app: 'federation', scope: 'storage', role: roles.storageQueueDataContributor }
  { app: 'federation', scope: 'storage', role: roles.storageTableDataContributor }
  { app: 'federation', scope: 'vault', role: roles.keyVaultSecretsUser }
  { app: 'federation', scope: 'insights', role: roles.monitoringMetricsPublisher }
  { app: 'federation', scope: 'topic', role: roles.serviceBusDataSender }
  { app: 'federation', scope: 'subscription:federation', role: roles.serviceBusDataReceiver }
  { app: 'fanout', scope: 'storage', role: roles.storageBlobDataOwner }
  { app: 'fanout', scope: 'storage', role: roles.storageQueueDataContributor }
  { app: 'fanout', scope: 'storage', role: roles.storageTableDataContributor }
  { app: 'fanout', scope: 'vault', role: roles.keyVaultSecretsUser }
  { app: 'fanout', scope: 'insights', role: roles.monitoringMetricsPublisher }
  { app: 'fanout', scope: 'subscription:fanout', role: roles.serviceBusDataReceiver }
  { app: 'fanout', scope: 'signalR', role: roles.signalRRestApiOwner }
]

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  parent: serviceBus
  name: topicName
}

resource fanoutSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = {
  parent: topic
  name: 'fanout'
}

resource federationSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = {
  parent: topic
  name: 'federation'
}

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
}

resource storageGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'storage'): {
    scope: storage
    name: guid(storage.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource vaultGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'vault'): {
    scope: vault
    name: guid(vault.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource insightsGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'insights'): {
    scope: applicationInsights
    name: guid(applicationInsights.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource topicGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'topic'): {
    scope: topic
    name: guid(topic.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource fanoutSubscriptionGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'subscription:fanout'): {
    scope: fanoutSubscription
    name: guid(fanoutSubscription.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource federationSubscriptionGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'subscription:federation'): {
    scope: federationSubscription
    name: guid(federationSubscription.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource signalRGrants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for grant in filter(grants, g => g.scope == 'signalR'): {
    scope: signalR
    name: guid(signalR.id, appIdentityNames[grant.app], grant.role)
    properties: {
      principalId: appPrincipalIds[grant.app]
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.role)
    }
  }
]

resource vaultOperatorAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  scope: vault
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

@description('The grants as data, for the tests and for operators: app, scope and role id.')
output GRANTS array = grants
