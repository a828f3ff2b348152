"""A small inventory service: the kind of code whose identifiers CodeT5 splits into many pieces."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class InventoryItem:
    item_identifier: str
    display_name: str
    quantity_on_hand: int = 0
    reorder_threshold: int = 5
    warehouse_locations: List[str] = field(default_factory=list)


class InventoryRepository:
    def __init__(self) -> None:
        self._items_by_identifier: Dict[str, InventoryItem] = {}

    def register_item(self, new_item: InventoryItem) -> None:
        if new_item.item_identifier in self._items_by_identifier:
            raise ValueError(f"duplicate item identifier: {new_item.item_identifier}")
        self._items_by_identifier[new_item.item_identifier] = new_item

    def find_item_by_identifier(self, item_identifier: str) -> Optional[InventoryItem]:
        return self._items_by_identifier.get(item_identifier)

    def items_below_reorder_threshold(self) -> List[InventoryItem]:
        return [
            candidate_item
            for candidate_item in self._items_by_identifier.values()
            if candidate_item.quantity_on_hand < candidate_item.reorder_threshold
        ]

    def adjust_quantity_on_hand(self, item_identifier: str, quantity_delta: int) -> int:
        existing_item = self.find_item_by_identifier(item_identifier)
        if existing_item is None:
            raise KeyError(item_identifier)
        existing_item.quantity_on_hand = max(0, existing_item.quantity_on_hand + quantity_delta)
        return existing_item.quantity_on_hand
