// Key Vault in RBAC mode. It holds every secret the apps read; app settings point at them with
// @Microsoft.KeyVault(SecretUri=...) references resolved by the shared managed identity
// (Key Vault Secrets User in rbac.bicep). Service modules add their own connection-string secrets.
param name string
param location string
param tags object = {}

@description('Purge protection cannot be turned off again; leave false for throw-away environments.')
param enablePurgeProtection bool = false

@description('Secret names, keyed by role (jwtSecret, federationSigningSeed, bootstrapAdminPassword).')
param secretNames object

@secure()
@description('HS256 signing key of access tokens (Auth__JwtSecret), at least 32 bytes.')
param jwtSecret string

@secure()
@description('Ed25519 server identity seed, base64 of 32 bytes (Federation__SigningKeySeed).')
param federationSigningSeed string

@secure()
@description('Password of the first superadmin (Bootstrap__AdminPassword).')
param bootstrapAdminPassword string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource jwt 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: secretNames.jwtSecret
  properties: {
    value: jwtSecret
    contentType: 'text/plain'
  }
}

resource seed 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: secretNames.federationSigningSeed
  properties: {
    value: federationSigningSeed
    contentType: 'text/plain'
  }
}

resource bootstrap 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: secretNames.bootstrapAdminPassword
  properties: {
    value: bootstrapAdminPassword
    contentType: 'text/plain'
  }
}

output NAME string = vault.name
output URI string = vault.properties.vaultUri
// Versionless URIs: the apps pick up a rotated value without a redeploy of the settings.
output JWT_REF_URI string = jwt.properties.secretUri
output SIGNING_SEED_REF_URI string = seed.properties.secretUri
output BOOTSTRAP_ADMIN_REF_URI string = bootstrap.properties.secretUri
