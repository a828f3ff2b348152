import java.util.ArrayList;
import java.util.List;

public class OrderProcessor {
    private final List<String> processedOrderIdentifiers = new ArrayList<>();
    private int failedOrderCount = 0;

    public boolean processPendingOrder(String orderIdentifier, double orderTotalAmount) {
        if (orderTotalAmount <= 0.0) {
            failedOrderCount++;
            return false;
        }
        processedOrderIdentifiers.add(orderIdentifier);
        return true;
    }

    public int getProcessedOrderCount() {
        return processedOrderIdentifiers.size();
    }

    public int getFailedOrderCount() {
        return failedOrderCount;
    }
}
