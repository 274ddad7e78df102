package jp.kofuhub.tenants;

import org.springframework.test.context.ContextConfiguration;

@ContextConfiguration(initializers = TenantHub.H2.class)
class TenantIsolationOnH2Test extends TenantScenarios {}
