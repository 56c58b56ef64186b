// Azure Front Door (Standard) profile and its one endpoint: the single public domain of the
// server. Created before the apps, which need its host name (Server__Domain) and its id (to
// accept traffic only from this profile). Origins and routes are in frontDoorRoutes.bicep.
param profileName string
param endpointName string
param tags object = {}

@description('Optional custom domain (e.g. chat.example.com); empty uses the *.azurefd.net endpoint host.')
param customDomainName string = ''

@description('Seconds Front Door waits for an origin; attachment uploads of 10 MB must fit.')
param originResponseTimeoutSeconds int = 120

resource profile 'Microsoft.Cdn/profiles@2025-04-15' = {
  name: profileName
  location: 'global'
  tags: tags
  sku: {
    name: 'Standard_AzureFrontDoor'
  }
  properties: {
    originResponseTimeoutSeconds: originResponseTimeoutSeconds
  }
}

resource endpoint 'Microsoft.Cdn/profiles/afdEndpoints@2025-04-15' = {
  parent: profile
  name: endpointName
  location: 'global'
  tags: tags
  properties: {
    enabledState: 'Enabled'
  }
}

// Front Door-managed certificate; validate the domain with the TXT record shown in the portal
// (or `az afd custom-domain show`) and CNAME it to the endpoint host (docs/deploy.md).
resource customDomain 'Microsoft.Cdn/profiles/customDomains@2025-04-15' = if (!empty(customDomainName)) {
  parent: profile
  name: replace(customDomainName, '.', '-')
  properties: {
    hostName: customDomainName
    tlsSettings: {
      certificateType: 'ManagedCertificate'
      minimumTlsVersion: 'TLS12'
    }
  }
}

output PROFILE_NAME string = profile.name
output ENDPOINT_NAME string = endpoint.name
output ENDPOINT_HOST_NAME string = endpoint.properties.hostName
output FRONT_DOOR_ID string = profile.properties.frontDoorId
output CUSTOM_DOMAIN_ID string = empty(customDomainName) ? '' : customDomain.id
output PUBLIC_HOST_NAME string = empty(customDomainName) ? endpoint.properties.hostName : customDomainName
