/// How the credentials Secret's Kafka API key reaches the pods (`kubernetes.kafka_credentials`).
public enum KafkaCredentialsDelivery: String, Sendable, CaseIterable {
    case env, file
}
