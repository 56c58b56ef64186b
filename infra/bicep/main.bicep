// D3Chat on Azure: one server domain behind Front Door, three Flex Consumption function apps
// (api, federation, fanout), and the services they use. Deploy with one command (docs/deploy.md):
//   az deployment sub create --location <region> --template-file infra/bicep/main.bicep \
//     --parameters infra/bicep/main.parameters.json environmentName=<env> location=<region> \
//       jwtSecret=... federationSigningSeed=... bootstrapAdminPassword=...
// or `azd up` (azure.yaml). PostgreSQL, Service Bus and SignalR are keyless (Microsoft Entra ID, one
// managed identity per app); Redis keeps a key in Key Vault (reason in modules/redis.bicep).
targetScope = 'subscription'

@minLength(1)
@maxLength(24)
@description('Environment name, e.g. d3chat-prod; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of the resource group and of every regional resource (Flex Consumption must be offered there).')
param location string

@description('Region of the Static Web App, which runs in a few regions only (westeurope, eastus2, centralus, westus2, eastasia).')
param staticWebAppLocation string = 'westeurope'

@description('Resource group name; empty gives rg-<environmentName>.')
param resourceGroupName string = ''

@description('Optional custom domain served by Front Door (e.g. chat.example.com). Empty uses the *.azurefd.net host as the server domain.')
param customDomainName string = ''

// ----- secrets (pass on the command line or from a CI secret store, never commit them) -----

@secure()
@minLength(32)
@description('HS256 key for access tokens (Auth__JwtSecret). Rotating it signs every user out within the token lifetime.')
param jwtSecret string

@secure()
@minLength(44)
@maxLength(44)
@description('Server Ed25519 identity seed: base64 of 32 random bytes, e.g. `openssl rand -base64 32` (Federation__SigningKeySeed). Rotating it changes the server identity.')
param federationSigningSeed string

@secure()
@minLength(12)
@description('Password of the first superadmin, created once at startup (Bootstrap__AdminPassword).')
param bootstrapAdminPassword string

// ----- application -----

@description('Username of the first superadmin (Bootstrap__AdminUsername).')
param bootstrapAdminUsername string = 'admin'

@minValue(1)
@maxValue(60)
@description('Access-token lifetime in minutes (Auth__AccessTokenMinutes).')
param accessTokenMinutes int = 15

@minValue(1)
@maxValue(365)
@description('Refresh-token lifetime in days (Auth__RefreshTokenDays).')
param refreshTokenDays int = 7

@description('Per-IP API requests per minute (RateLimit__PerMinute).')
param rateLimitPerMinute int = 300

@description('Proxies whose X-Forwarded-For is trusted (RateLimit__TrustedProxies). Front Door and the Functions front ends sit between client and app.')
param rateLimitTrustedProxies string = ''

@description('NCRONTAB (6 fields) of the outbox sweep timer in the api app (OutboxSweepSchedule).')
param outboxSweepSchedule string = '0 * * * * *'

@description('NCRONTAB (6 fields) of the timer in the api app that moves poison-queue messages back once PostgreSQL answers (PoisonRedriveSchedule).')
param poisonRedriveSchedule string = '0 * * * * *'
@description('NCRONTAB (6 fields) of the retention timer in the api app (RetentionSchedule): deletes sent events, expired sessions and the old content of changed messages.')
param retentionSchedule string = '0 * * * * *'

@description('NCRONTAB (6 fields) of the federation retry timer in the federation app (FederationRetrySchedule).')
param federationRetrySchedule string = '*/10 * * * * *'

@description('How long outbound federation deliveries are retried before dead-lettering, as a TimeSpan (Federation__MaxRetryAge).')
param federationMaxRetryAge string = '1.00:00:00'

@description('Cap of the per-destination federation backoff, as a TimeSpan (Federation__MaxBackoff).')
param federationMaxBackoff string = '01:00:00'

@description('Requests one peer may make per minute to the inbox and the key claim, one event or claim each (Federation__InboxRatePerMinute; spec: 100).')
@minValue(1)
param federationInboxRatePerMinute int = 100

@description('Events one peer may deliver per minute in batches, POST /federation/transactions (Federation__BatchEventsPerMinute).')
@minValue(1)
param federationBatchEventsPerMinute int = 60000

@description('Most events per batch, advertised as max_batch_events in the well-known document; 1 turns batching off (Federation__MaxBatchEvents).')
@minValue(1)
@maxValue(50)
param federationMaxBatchEvents int = 50

// ----- sizing (see the sizing table in docs/deploy.md) -----

// Connection budget (docs/deploy.md, "Sizing"): every instance of an app holds up to its pool size
// of PostgreSQL connections, so the sum of maximum instances x pool over the three apps must fit
// the server (tests/D3Chat.Infra.Tests checks the defaults against postgresMaxConnections).

@minValue(1)
@description('Upper bound of api instances (HTTP scale-out). Also bounds its PostgreSQL connections.')
param apiMaximumInstanceCount int = 6

@minValue(1)
@description('Upper bound of federation instances.')
param federationMaximumInstanceCount int = 2

@minValue(1)
@description('Upper bound of fanout instances.')
param fanoutMaximumInstanceCount int = 2

@minValue(1)
@description('Npgsql pool size per api instance (Maximum Pool Size).')
param apiPostgresPoolSize int = 3

@minValue(1)
@description('Npgsql pool size per federation instance.')
param federationPostgresPoolSize int = 3

@minValue(1)
@description('Npgsql pool size per fanout instance.')
param fanoutPostgresPoolSize int = 3

@description('Connect through the server\'s built-in PgBouncer (port 6432, transaction pooling). General Purpose or Memory Optimized tiers only; not on Burstable.')
param postgresPgBouncer bool = false

@description('PgBouncer server connections per app (user/database pair) when postgresPgBouncer is on.')
param postgresPgBouncerPoolSize int = 50

@description('Memory per function instance, 2048 or 4096 MB.')
param functionInstanceMemoryMB int = 2048

@description('Always-ready instances of the api app, e.g. [{ name: \'http\', instanceCount: 1 }] to avoid cold starts.')
param apiAlwaysReady array = []

@description('Always-ready instances of the federation app. They also host its Service Bus processor, so keep at least one.')
param federationAlwaysReady array = [
  {
    name: 'http'
    instanceCount: 1
  }
]

@description('Always-ready instances of the fanout app, named function:<queue-triggered function>. They host its Service Bus processor, so keep at least one.')
param fanoutAlwaysReady array = [
  {
    name: 'function:FanoutChannelEvent'
    instanceCount: 1
  }
]

@description('Free_F1, Standard_S1 or Premium_P1.')
param signalRSkuName string = 'Standard_S1'

@description('SignalR units (1,000 concurrent connections each on Standard).')
param signalRCapacity int = 1

@description('Standard or Premium.')
param serviceBusSkuName string = 'Standard'

@allowed([
  'ServiceBus'
  'StorageQueues'
])
@description('Queue__Transport. ServiceBus (default): topic with duplicate detection, consumers on always-ready instances. StorageQueues (small profile): no Service Bus namespace; queue triggers scale fanout and federation from zero.')
param queueTransport string = 'ServiceBus'

@description('Deploy Azure Managed Redis. False (small profile) runs without Redis: rate limits are off, presence answers 503, caches read PostgreSQL (docs/deploy.md, "Small profile").')
param redisEnabled bool = true

param postgresSkuName string = 'Standard_B1ms'
param postgresSkuTier string = 'Burstable'
param postgresStorageSizeGB int = 32
param postgresHighAvailabilityMode string = 'Disabled'

@description('Azure Managed Redis SKU.')
param redisSkuName string = 'Balanced_B0'

@description('Enabled (replica, SLA) or Disabled.')
param redisHighAvailability string = 'Enabled'

param staticWebAppSkuName string = 'Free'

@description('Only Front Door may call the function apps (X-Azure-FDID check). Turn off only for debugging.')
param restrictAppsToFrontDoor bool = true

param keyVaultPurgeProtection bool = false

@description('Object id of a user or group allowed to rotate Key Vault secrets; empty for none.')
param operatorPrincipalId string = ''

@description('User, Group or ServicePrincipal.')
param operatorPrincipalType string = 'User'

// ----- names -----
// Every resource name is known before the deployment runs (no module output names a resource), so
// `what-if` evaluates the whole template (linter rule what-if-short-circuiting, bicepconfig.json).

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'd3chat'
}

var queueNames = {
  fanout: 'channel-events-fanout'
  federation: 'channel-events-federation'
}
var topicName = 'channel-events'
var containers = {
  avatars: 'avatars'
  attachments: 'attachments'
}
var apps = [
  'api'
  'federation'
  'fanout'
]
var deploymentContainers = [for app in apps: 'deploy-${app}-${take(resourceToken, 7)}']

var names = {
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  serviceBus: '${abbrs.serviceBusNamespaces}${resourceToken}'
  signalR: '${abbrs.signalRServiceSignalR}${resourceToken}'
  postgres: '${abbrs.dBforPostgreSQLServers}${resourceToken}'
  redis: '${abbrs.cacheRedisEnterprise}${resourceToken}'
  staticWebApp: '${abbrs.webStaticSites}${resourceToken}'
  frontDoorProfile: '${abbrs.cdnProfiles}${resourceToken}'
  frontDoorEndpoint: '${abbrs.cdnProfilesEndpoints}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  // Each app's identity name is also its PostgreSQL role name.
  identities: {
    api: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    federation: '${abbrs.managedIdentityUserAssignedIdentities}federation-${resourceToken}'
    fanout: '${abbrs.managedIdentityUserAssignedIdentities}fanout-${resourceToken}'
  }
  postgresAdminIdentity: '${abbrs.managedIdentityUserAssignedIdentities}pgadmin-${resourceToken}'
}

var secretNames = {
  jwtSecret: 'jwt-secret'
  federationSigningSeed: 'federation-signing-seed'
  bootstrapAdminPassword: 'bootstrap-admin-password'
  redis: 'redis-connection-string'
}

// ----- connection budget -----
// max_connections of Azure Database for PostgreSQL Flexible Server by SKU (Azure's table), of which
// 15 are reserved for replication and monitoring; a few more stay free for an operator's psql
// session and the role deployment script.
var postgresMaxConnections = {
  Standard_B1ms: 50
  Standard_B2s: 429
  Standard_B2ms: 859
  Standard_B4ms: 1718
  Standard_D2ds_v5: 859
  Standard_D4ds_v5: 1718
  Standard_D8ds_v5: 3437
  Standard_E2ds_v5: 1718
  Standard_E4ds_v5: 3437
}
var postgresReservedConnections = 15
var postgresOperatorConnections = 3
var postgresClientConnections = apiMaximumInstanceCount * apiPostgresPoolSize + federationMaximumInstanceCount * federationPostgresPoolSize + fanoutMaximumInstanceCount * fanoutPostgresPoolSize
// With PgBouncer the server sees at most one pool per app (user/database pair).
var postgresServerConnections = postgresPgBouncer ? length(apps) * postgresPgBouncerPoolSize : postgresClientConnections

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// ----- foundation -----

// One identity per function app, with only the roles that app uses (modules/rbac.bicep).
module identities 'modules/identity.bicep' = [
  for app in apps: {
    scope: rg
    params: {
      name: names.identities[app]
      location: location
      tags: tags
    }
  }
]

// The PostgreSQL Entra administrator; only the role deployment script runs as it.
module postgresAdminIdentity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: names.postgresAdminIdentity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module frontDoor 'modules/frontDoor.bicep' = {
  scope: rg
  params: {
    profileName: names.frontDoorProfile
    endpointName: names.frontDoorEndpoint
    customDomainName: customDomainName
    tags: tags
  }
}

// The federation domain peers and browsers see, and the origin the browser runs on.
var serverDomain = frontDoor.outputs.PUBLIC_HOST_NAME
var publicOrigin = 'https://${serverDomain}'

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    queueNames: [
      queueNames.fanout
      queueNames.federation
    ]
    containerNames: concat([containers.avatars, containers.attachments], deploymentContainers)
    corsAllowedOrigins: [
      publicOrigin
    ]
  }
}

module keyVault 'modules/keyVault.bicep' = {
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    secretNames: secretNames
    jwtSecret: jwtSecret
    federationSigningSeed: federationSigningSeed
    bootstrapAdminPassword: bootstrapAdminPassword
  }
}

// ----- services -----

var useServiceBus = queueTransport == 'ServiceBus'

module serviceBus 'modules/serviceBus.bicep' = if (useServiceBus) {
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    skuName: serviceBusSkuName
    topicName: topicName
    subscriptionNames: [
      'fanout'
      'federation'
    ]
  }
}

module signalR 'modules/signalr.bicep' = {
  scope: rg
  params: {
    name: names.signalR
    location: location
    tags: tags
    skuName: signalRSkuName
    capacity: signalRCapacity
    allowedOrigins: [
      publicOrigin
    ]
  }
}

module postgres 'modules/postgres.bicep' = {
  scope: rg
  params: {
    name: names.postgres
    location: location
    tags: tags
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    highAvailabilityMode: postgresHighAvailabilityMode
    pgBouncerEnabled: postgresPgBouncer
    pgBouncerDefaultPoolSize: postgresPgBouncerPoolSize
    adminIdentityName: names.postgresAdminIdentity
    // Object ids only become known when the identities exist; they are values (a role's Entra
    // binding), except the administrator's, which ARM uses as a resource name (see postgres.bicep).
    #disable-next-line what-if-short-circuiting
    adminIdentityPrincipalId: postgresAdminIdentity.outputs.PRINCIPAL_ID
    appRoles: [for (app, i) in apps: {
      name: names.identities[app]
      principalId: identities[i].outputs.PRINCIPAL_ID
    }]
  }
}

module redis 'modules/redis.bicep' = if (redisEnabled) {
  scope: rg
  dependsOn: [
    keyVault
  ]
  params: {
    name: names.redis
    location: location
    tags: tags
    skuName: redisSkuName
    highAvailability: redisHighAvailability
    keyVaultName: names.keyVault
    connectionSecretName: secretNames.redis
  }
}

module staticWebApp 'modules/staticWebApp.bicep' = {
  scope: rg
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    tags: union(tags, { 'azd-service-name': 'web' })
    skuName: staticWebAppSkuName
  }
}

module rbac 'modules/rbac.bicep' = {
  scope: rg
  dependsOn: [
    storage
    keyVault
    monitoring
    serviceBus
    signalR
  ]
  params: {
    appIdentityNames: names.identities
    appPrincipalIds: {
      api: identities[0].outputs.PRINCIPAL_ID
      federation: identities[1].outputs.PRINCIPAL_ID
      fanout: identities[2].outputs.PRINCIPAL_ID
    }
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    serviceBusNamespaceName: names.serviceBus
    topicName: topicName
    queueTransport: queueTransport
    signalRName: names.signalR
  }
}

// ----- app settings -----
// Every key of local.settings.sample.json "Values" is set below on each app that reads it;
// tests/D3Chat.Infra.Tests checks the compiled template against the sample, so a key added to
// the sample but missing here fails the build. Deliberately not set as app settings:
//   FUNCTIONS_WORKER_RUNTIME  Flex Consumption takes the runtime from functionAppConfig.runtime
//                             (functionApp.bicep) and refuses this setting.
//   AzureWebJobsStorage       set in its identity-based form (AzureWebJobsStorage__accountName,
//                             __credential, __clientId) by functionApp.bicep: shared keys are off.
// Keyless connections name the app's own identity by client id. The remaining secrets are Key
// Vault references resolved by that identity (versionless: rotation needs no redeploy).

// SignalR hub name shared by negotiate (api) and fanout.
var signalRHubName = 'd3chat'

@description('App-setting value that makes the platform read a Key Vault secret with the app identity.')
func kvRef(secretUri string) string => '@Microsoft.KeyVault(SecretUri=${secretUri})'

@description('Npgsql connection string of one app: its identity is the role, Entra tokens are the password (none here).')
func postgresConnection(host string, port int, database string, role string, poolSize int) string =>
  'Host=${host};Port=${port};Database=${database};Username=${role};SslMode=Require;Maximum Pool Size=${poolSize}'

@description('SignalR Service connection string with Microsoft Entra ID (no access key).')
func signalRConnection(hostName string, clientId string) string =>
  'Endpoint=https://${hostName};AuthType=azure.msi;ClientId=${clientId};Version=1.0;'

// Read by all three apps: AddD3ChatCore binds and validates these options at startup in every
// app (Auth included), and the queue names resolve trigger bindings and publishers.
var sharedSettings = {
  Auth__JwtSecret: kvRef(keyVault.outputs.JWT_REF_URI)
  Auth__AccessTokenMinutes: string(accessTokenMinutes)
  Auth__RefreshTokenDays: string(refreshTokenDays)
  Auth__Argon2MemoryKiB: '19456'
  Auth__Argon2Iterations: '2'
  Postgres__Credential: 'managedidentity'
  // The migrator's session-level advisory lock needs a direct connection when the apps use PgBouncer.
  Postgres__DirectPort: '5432'
  Redis__ConnectionString: redisEnabled ? kvRef(redis!.outputs.CONNECTION_REF_URI) : ''
  Queue__Transport: queueTransport
  Queue__ServiceBusConnection__fullyQualifiedNamespace: useServiceBus ? serviceBus!.outputs.FULLY_QUALIFIED_NAMESPACE : ''
  Queue__ServiceBusConnection__credential: 'managedidentity'
  Queue__TopicName: topicName
  Queue__MaxDeliveryCount: '5'
  Queue__MaxConcurrentCalls: '8'
  FanoutQueueName: queueNames.fanout
  FederationQueueName: queueNames.federation
  Server__Domain: serverDomain
  Server__ApiBaseUrl: publicOrigin
  Storage__AvatarsContainer: containers.avatars
}

// api: every /api/v1 route, auth, admin, negotiate, housekeeping timers, user lookup over federation.
var apiSettings = union(sharedSettings, {
  // This app's own identity: its PostgreSQL role and pool, and its client id for Entra tokens.
  Postgres__ConnectionString: postgresConnection(postgres.outputs.FQDN, postgres.outputs.PORT, postgres.outputs.DATABASE_NAME, names.identities.api, apiPostgresPoolSize)
  Postgres__ClientId: identities[0].outputs.CLIENT_ID
  Queue__ServiceBusConnection__clientId: identities[0].outputs.CLIENT_ID

  Bootstrap__AdminUsername: bootstrapAdminUsername
  Bootstrap__AdminPassword: kvRef(keyVault.outputs.BOOTSTRAP_ADMIN_REF_URI)
  Federation__SigningKeySeed: kvRef(keyVault.outputs.SIGNING_SEED_REF_URI)
  Federation__AllowHttpHosts: ''
  Federation__AllowPrivateHosts: ''
  Federation__MaxRetryAge: federationMaxRetryAge
  Federation__MaxBackoff: federationMaxBackoff
  SignalR__ConnectionString: signalRConnection(signalR.outputs.HOST_NAME, identities[0].outputs.CLIENT_ID)
  SignalR__HubName: signalRHubName
  RateLimit__PerMinute: string(rateLimitPerMinute)
  RateLimit__TrustedProxies: rateLimitTrustedProxies
  OutboxSweepSchedule: outboxSweepSchedule
  PoisonRedriveSchedule: poisonRedriveSchedule
  RetentionSchedule: retentionSchedule
})

// federation: /.well-known, the signed inbox and the relay.
var federationSettings = union(sharedSettings, {
  // This app's own identity: its PostgreSQL role and pool, and its client id for Entra tokens.
  Postgres__ConnectionString: postgresConnection(postgres.outputs.FQDN, postgres.outputs.PORT, postgres.outputs.DATABASE_NAME, names.identities.federation, federationPostgresPoolSize)
  Postgres__ClientId: identities[1].outputs.CLIENT_ID
  Queue__ServiceBusConnection__clientId: identities[1].outputs.CLIENT_ID

  Federation__SigningKeySeed: kvRef(keyVault.outputs.SIGNING_SEED_REF_URI)
  Federation__AllowHttpHosts: ''
  Federation__AllowPrivateHosts: ''
  Federation__MaxRetryAge: federationMaxRetryAge
  Federation__MaxBackoff: federationMaxBackoff
  Federation__InboxRatePerMinute: string(federationInboxRatePerMinute)
  Federation__BatchEventsPerMinute: string(federationBatchEventsPerMinute)
  Federation__MaxBatchEvents: string(federationMaxBatchEvents)
  FederationRetrySchedule: federationRetrySchedule
})

// fanout: channel events -> SignalR Service REST API.
var fanoutSettings = union(sharedSettings, {
  // This app's own identity: its PostgreSQL role and pool, and its client id for Entra tokens.
  Postgres__ConnectionString: postgresConnection(postgres.outputs.FQDN, postgres.outputs.PORT, postgres.outputs.DATABASE_NAME, names.identities.fanout, fanoutPostgresPoolSize)
  Postgres__ClientId: identities[2].outputs.CLIENT_ID
  Queue__ServiceBusConnection__clientId: identities[2].outputs.CLIENT_ID

  SignalR__ConnectionString: signalRConnection(signalR.outputs.HOST_NAME, identities[2].outputs.CLIENT_ID)
  SignalR__HubName: signalRHubName
})

var functionAppCommon = {
  storageAccountName: storage.outputs.NAME
  storageBlobEndpoint: storage.outputs.BLOB_ENDPOINT
  applicationInsightsConnectionString: monitoring.outputs.APPLICATION_INSIGHTS_CONNECTION_STRING
  frontDoorId: restrictAppsToFrontDoor ? frontDoor.outputs.FRONT_DOOR_ID : ''
}

// The apps start resolving Key Vault references and host storage as soon as they exist, so they
// wait for the role assignments.
module apiApp 'modules/functionApp.bicep' = {
  scope: rg
  dependsOn: [
    rbac
  ]
  params: {
    name: '${abbrs.webSitesFunctions}api-${resourceToken}'
    planName: '${abbrs.webServerFarms}api-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    deploymentContainerName: deploymentContainers[0]
    appSettings: apiSettings
    alwaysReady: apiAlwaysReady
    maximumInstanceCount: apiMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    identityId: identities[0].outputs.ID
    identityClientId: identities[0].outputs.CLIENT_ID
    storageAccountName: functionAppCommon.storageAccountName
    storageBlobEndpoint: functionAppCommon.storageBlobEndpoint
    applicationInsightsConnectionString: functionAppCommon.applicationInsightsConnectionString
    frontDoorId: functionAppCommon.frontDoorId
  }
}

module federationApp 'modules/functionApp.bicep' = {
  scope: rg
  dependsOn: [
    rbac
  ]
  params: {
    name: '${abbrs.webSitesFunctions}federation-${resourceToken}'
    planName: '${abbrs.webServerFarms}federation-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'federation'
    deploymentContainerName: deploymentContainers[1]
    appSettings: federationSettings
    alwaysReady: federationAlwaysReady
    maximumInstanceCount: federationMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    identityId: identities[1].outputs.ID
    identityClientId: identities[1].outputs.CLIENT_ID
    storageAccountName: functionAppCommon.storageAccountName
    storageBlobEndpoint: functionAppCommon.storageBlobEndpoint
    applicationInsightsConnectionString: functionAppCommon.applicationInsightsConnectionString
    frontDoorId: functionAppCommon.frontDoorId
  }
}

module fanoutApp 'modules/functionApp.bicep' = {
  scope: rg
  dependsOn: [
    rbac
  ]
  params: {
    name: '${abbrs.webSitesFunctions}fanout-${resourceToken}'
    planName: '${abbrs.webServerFarms}fanout-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'fanout'
    deploymentContainerName: deploymentContainers[2]
    appSettings: fanoutSettings
    alwaysReady: fanoutAlwaysReady
    maximumInstanceCount: fanoutMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    identityId: identities[2].outputs.ID
    identityClientId: identities[2].outputs.CLIENT_ID
    storageAccountName: functionAppCommon.storageAccountName
    storageBlobEndpoint: functionAppCommon.storageBlobEndpoint
    applicationInsightsConnectionString: functionAppCommon.applicationInsightsConnectionString
    frontDoorId: functionAppCommon.frontDoorId
  }
}

module frontDoorRoutes 'modules/frontDoorRoutes.bicep' = {
  scope: rg
  params: {
    profileName: names.frontDoorProfile
    endpointName: names.frontDoorEndpoint
    customDomainId: frontDoor.outputs.CUSTOM_DOMAIN_ID
    apiHostName: apiApp.outputs.DEFAULT_HOST_NAME
    federationHostName: federationApp.outputs.DEFAULT_HOST_NAME
    fanoutHostName: fanoutApp.outputs.DEFAULT_HOST_NAME
    staticWebHostName: staticWebApp.outputs.DEFAULT_HOST_NAME
    signalRHostName: signalR.outputs.HOST_NAME
    storageBlobHostName: split(storage.outputs.BLOB_ENDPOINT, '/')[2]
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVER_DOMAIN string = serverDomain
output PUBLIC_URL string = publicOrigin
output FRONT_DOOR_ENDPOINT_HOST_NAME string = frontDoor.outputs.ENDPOINT_HOST_NAME
output FRONT_DOOR_PROFILE_NAME string = frontDoor.outputs.PROFILE_NAME
output API_FUNCTION_APP_NAME string = apiApp.outputs.NAME
output FEDERATION_FUNCTION_APP_NAME string = federationApp.outputs.NAME
output FANOUT_FUNCTION_APP_NAME string = fanoutApp.outputs.NAME
output STATIC_WEB_APP_NAME string = staticWebApp.outputs.NAME
output CONTENT_SECURITY_POLICY string = frontDoorRoutes.outputs.CONTENT_SECURITY_POLICY
output KEY_VAULT_NAME string = keyVault.outputs.NAME
output STORAGE_ACCOUNT_NAME string = storage.outputs.NAME
output POSTGRES_SERVER_NAME string = postgres.outputs.NAME
output POSTGRES_FQDN string = postgres.outputs.FQDN
output REDIS_NAME string = redisEnabled ? redis!.outputs.NAME : ''
output QUEUE_TRANSPORT string = queueTransport
output SIGNALR_NAME string = signalR.outputs.NAME
output SERVICE_BUS_NAMESPACE string = useServiceBus ? serviceBus!.outputs.NAME : ''
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.APPLICATION_INSIGHTS_NAME
output API_IDENTITY_CLIENT_ID string = identities[0].outputs.CLIENT_ID
output FEDERATION_IDENTITY_CLIENT_ID string = identities[1].outputs.CLIENT_ID
output FANOUT_IDENTITY_CLIENT_ID string = identities[2].outputs.CLIENT_ID
@description('PostgreSQL connections the apps can open at their maximum scale, and what the server allows them.')
output POSTGRES_CONNECTION_BUDGET object = {
  clientConnections: postgresClientConnections
  serverConnections: postgresServerConnections
  serverLimit: (postgresMaxConnections[?postgresSkuName] ?? 0) - postgresReservedConnections - postgresOperatorConnections
}
